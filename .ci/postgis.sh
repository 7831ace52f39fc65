#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS server on loopback for landkit's database tests.
#
# Installs Debian's `postgresql` and the matching `postgresql-NN-postgis-3` when they are missing
# (as root), starts a server of its own (data in $LANDKIT_PG_DATA, default /tmp/landkit-postgis;
# port $LANDKIT_PG_PORT, default 55432; listening on 127.0.0.1 only), creates the role `landkit`
# with a fresh random password and the database `landkit_test` with the postgis extension, and
# prints one line on stdout:
#
#     export LANDKIT_TEST_POSTGIS_URL=postgresql://landkit:<password>@127.0.0.1:<port>/landkit_test
#
# Use:  eval "$(bash .ci/postgis.sh)"      Stop:  bash .ci/postgis.sh stop
# Everything else goes to stderr. Running it again reuses the server and sets a new password.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

data=${LANDKIT_PG_DATA:-/tmp/landkit-postgis}
port=${LANDKIT_PG_PORT:-55432}
role=landkit
database=landkit_test

say() { echo "postgis.sh: $*" >&2; }

pg_bin() {  # the bin folder of the newest installed PostgreSQL, or nothing
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

has_postgis() {  # $1: the bin folder
    local version
    version=$(basename "$(dirname "$1")")
    [ -f "/usr/share/postgresql/$version/extension/postgis.control" ]
}

install_packages() {
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL with PostGIS is not installed and this is not root; install postgresql and postgresql-NN-postgis-3"
        exit 1
    fi
    say "installing postgresql and postgis from the Debian archive"
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    local version
    version=$(basename "$(dirname "$(pg_bin)")")
    apt-get install -y -qq --no-install-recommends "postgresql-$version-postgis-3" >&2
}

as_owner() {  # run a command as the server's owner: postgres when root, else the current user
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

bin=$(pg_bin || true)
if [ "${1:-}" = stop ]; then
    [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" -m fast stop >&2 || true
    exit 0
fi
if [ -z "$bin" ] || ! has_postgis "$bin"; then
    install_packages
    bin=$(pg_bin)
fi

if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    chmod 700 "$data"
    say "creating a cluster in $data"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >&2
fi
if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$port"
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data" >&2 || {
        say "the server did not start (port $port taken? set LANDKIT_PG_PORT); its log:"
        tail -n 20 "$data/server.log" >&2
        exit 1
    }
fi

password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
sql() {  # $1: database; SQL on stdin
    as_owner "$bin/psql" -X -q -h "$data" -p "$port" -U postgres -d "$1" -v ON_ERROR_STOP=1 >&2
}
sql postgres <<SQL
SELECT 'CREATE ROLE $role LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role')\gexec
ALTER ROLE $role PASSWORD '$password';
SELECT 'CREATE DATABASE $database OWNER $role' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database')\gexec
SQL
sql "$database" <<SQL
CREATE EXTENSION IF NOT EXISTS postgis;
SQL
say "ready: database $database, role $role, port $port"
echo "export LANDKIT_TEST_POSTGIS_URL=postgresql://$role:$password@127.0.0.1:$port/$database"
