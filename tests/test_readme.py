"""Every command and every code block of README.md runs.

* The two set-up commands (after ``<!-- ci:demo -->`` and ``<!-- ci:test -->``) are run by
  ``.ci/run`` on a fresh machine; here we check that ``.ci/run`` finds exactly those lines
  (re-running pip inside the test suite would prove nothing more).
* Every other shell block runs in a temporary folder with this environment's ``landkit``
  and ``python``, and must write what its ``--out`` options name.
* The Python blocks run in order, in one namespace, in a temporary folder.
* The command table names only real subcommands and options, and each of them is run by a
  shell block (``landkit demo`` by ``.ci/run``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
MARKERS = ("demo", "test")


def _blocks(text: str) -> list[dict]:
    """Fenced code blocks with their language, the heading above and a preceding ci marker."""
    blocks, heading, marker, current = [], "", None, None
    for line in text.splitlines():
        if current is not None:
            if line.startswith("```"):
                blocks.append(current)
                current = None
            else:
                current["source"] += line + "\n"
            continue
        if line.startswith("```"):
            current = {"lang": line[3:].strip(), "heading": heading, "marker": marker, "source": ""}
            marker = None
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif m := re.fullmatch(r"<!-- ci:(\w+) -->", line.strip()):
            marker = m.group(1)
        elif line.strip():
            marker = None
    return blocks


BLOCKS = _blocks(README.read_text(encoding="utf-8"))
SHELL = [b for b in BLOCKS if b["lang"] in ("bash", "sh", "shell") and not b["marker"]]
PYTHON = [b for b in BLOCKS if b["lang"] == "python"]


def _id(block: dict) -> str:
    return re.sub(r"\W+", "-", block["heading"]).strip("-") or "top"


# ---------------------------------------------------------------- set-up commands


@pytest.mark.parametrize("marker", MARKERS)
def test_ci_runs_the_readme_setup_command(marker):
    marked = [b for b in BLOCKS if b["marker"] == marker]
    assert len(marked) == 1, f"README needs exactly one block after <!-- ci:{marker} -->"
    function = re.search(r"^readme_command\(\).*?^}", CI_RUN.read_text(), re.M | re.S)
    assert function, ".ci/run no longer defines readme_command"
    out = subprocess.run(
        ["bash", "-c", f"{function.group(0)}\nreadme_command {marker}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == marked[0]["source"]
    assert f'bash -c "${marker}_command"' in CI_RUN.read_text()


def test_the_setup_commands_install_and_run_what_ci_checks():
    demo = next(b["source"] for b in BLOCKS if b["marker"] == "demo")
    test = next(b["source"] for b in BLOCKS if b["marker"] == "test")
    assert "pip install ." in demo and "landkit demo --out landkit_demo" in demo
    assert "test -s landkit_demo/summary.txt" in CI_RUN.read_text()
    assert 'pip install -e ".[test]"' in test and "pytest" in test and "ruff check" in test


# ------------------------------------------------------------------ shell blocks


def _environment() -> dict[str, str]:
    """This interpreter's ``bin`` folder first, so ``landkit`` and ``python`` are ours."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("PYTHONPATH", None)
    return env


def _out_targets(source: str) -> list[str]:
    return [token for line in source.splitlines() for token in re.findall(r"--out (\S+)", line)]


@pytest.mark.slow
@pytest.mark.parametrize("block", SHELL, ids=_id)
def test_shell_block_runs_and_writes_its_outputs(block, tmp_path):
    out = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block["source"]],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    for target in _out_targets(block["source"]):
        written = tmp_path / target
        assert written.exists(), f"{target} was not written"
        assert written.is_dir() or written.stat().st_size > 0


# ------------------------------------------------------------------ the CLI table


def _table_commands() -> list[list[str]]:
    rows = re.findall(r"^\| `(landkit [^`]+)`", README.read_text(encoding="utf-8"), re.M)
    return [shlex.split(row.replace("\\|", "|")) for row in rows]


def test_the_command_table_names_real_commands_and_options():
    from landkit.cli import build_parser

    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    rows = _table_commands()
    assert rows, "README has no command table"
    for words in rows:
        sub = choices.get(words[1])
        assert sub is not None, f"README lists an unknown command: {words[1]}"
        known = {option for action in sub._actions for option in action.option_strings}
        for word in words[2:]:
            option = word.strip("[]").split("=")[0]
            if option.startswith("--"):
                assert option in known, f"landkit {words[1]} has no option {option}"


def test_every_command_is_run_by_a_readme_block():
    run = "".join(b["source"] for b in SHELL)
    for words in _table_commands():
        if words[1] == "demo":
            continue  # run by .ci/run from the <!-- ci:demo --> block
        assert re.search(rf"^\s*landkit {words[1]}\b", run, re.M), f"landkit {words[1]} never run"


# ----------------------------------------------------------------- Python blocks


POSTGIS_URL = "LANDKIT_TEST_POSTGIS_URL"


def _missing(source: str) -> str | None:
    """What a block needs and this machine lacks (a skip locally, a failure under CI)."""
    if "node_modules" in source and not (ROOT / "node_modules" / "leaflet").is_dir():
        return "Leaflet from `npm ci` is missing (node_modules/leaflet)"
    if "postgresql://" in source and not os.environ.get(POSTGIS_URL):
        return f'{POSTGIS_URL} is not set; start a server with eval "$(bash .ci/postgis.sh)"'
    if 'engine="dask"' in source and importlib.util.find_spec("dask_geopandas") is None:
        return "the landkit[dask] extra is not installed"
    return None


@pytest.fixture(scope="module")
def python_results(tmp_path_factory) -> dict[int, tuple[str, str] | None]:
    """Run the Python blocks in order in one namespace: None, or (``skip``/``fail``, why)."""
    work = tmp_path_factory.mktemp("readme")
    if (ROOT / "node_modules").is_dir():
        (work / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    namespace: dict = {"__name__": "readme"}
    results: dict[int, tuple[str, str] | None] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        if not os.environ.get("TIANDITU_KEY"):
            patch.setenv("TIANDITU_KEY", "readme-test-key")  # only goes into tile URLs
        for number, block in enumerate(PYTHON):
            source = block["source"]
            if reason := _missing(source):
                results[number] = ("skip", reason)
                continue
            if os.environ.get(POSTGIS_URL):  # the README's example server → the test server
                source = re.sub(r"postgresql://[^\"'\s]+", os.environ[POSTGIS_URL], source)
            try:
                exec(compile(source, f"README.md python block {number}", "exec"), namespace)
                results[number] = None
            except Exception:
                results[number] = ("fail", traceback.format_exc())
    return results


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::landkit.errors.GeometryRepairedWarning")  # the bowtie parcel
@pytest.mark.parametrize("number", range(len(PYTHON)), ids=[_id(b) for b in PYTHON])
def test_python_block_runs(number, python_results):
    if python_results[number] is None:
        return
    outcome, why = python_results[number]
    if outcome == "skip" and os.environ.get("CI", "").lower() != "true":
        pytest.skip(why)
    pytest.fail(why if outcome == "fail" else f"{why} (required under CI)")


# ------------------------------------------------------------------ the demo


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^(#+) {re.escape(title)}\n(.*?)(?=^#{{1,3}} |\Z)", text, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(2)


@pytest.mark.slow
def test_the_demo_writes_what_the_readme_lists(tmp_path):
    from landkit.demo import run_demo

    ctx = run_demo(tmp_path / "demo")
    listed = set(re.findall(r"`([^`/ ]+\.[a-z]+)`", _section("What the demo writes")))
    assert listed == {path.name for path in ctx.written}
    for path in ctx.written:
        assert path.stat().st_size > 0, path


# ------------------------------------------------------------------------ links


def test_local_links_and_pictures_exist():
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert any(t.endswith(".png") for t in local), "README shows no picture"
    for target in local:
        assert (ROOT / target).exists(), f"README links to a missing file: {target}"


def test_every_rule_table_is_listed_with_its_sources():
    listed = _section("Rule tables")
    for table in sorted((ROOT / "landkit" / "standards").glob("*.csv")):
        assert f"`{table.name}`" in listed, f"README's rule tables leave out {table.name}"
