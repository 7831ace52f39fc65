"""The package itself: a light import, every public name, the import graph, module sizes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import landkit as lk
from landkit.provenance import provenance

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "landkit"
HEAVY = ("folium", "matplotlib", "openpyxl", "dask", "sqlalchemy")
ANALYSIS = ("constraints", "metrics", "indicators", "idle", "raster", "assess", "siting")
PRESENTATION = ("maps", "report", "boundary", "dossier", "pipeline", "cli", "demo")
MAX_LINES = 800


@pytest.mark.slow
def test_import_loads_no_heavy_dependency_and_every_public_name_resolves():
    code = (
        "import sys, landkit\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "missing = [n for n in landkit.__all__ if getattr(landkit, n, None) is None]\n"
        "print(missing)\n"
    )
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    loaded, missing = out.stdout.splitlines()
    assert loaded == "[]", f"`import landkit` loads {loaded}"
    assert missing == "[]", f"public names that do not resolve: {missing}"


def test_public_names_are_listed_and_unknown_names_raise():
    assert set(lk.__all__) <= set(dir(lk))
    assert len(set(lk.__all__)) == len(lk.__all__)
    assert lk.read_layer.__module__.startswith("landkit.")
    assert lk.crs.__name__ == "landkit.crs"
    with pytest.raises(AttributeError, match="no_such_name"):
        lk.no_such_name  # noqa: B018


def test_provenance_records_the_package_version():
    assert provenance()["landkit_version"] == lk.__version__


# ------------------------------------------------------------------ import graph


def _modules(package: Path) -> dict[str, Path]:
    """Dotted name → file of every module of a package's own code."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the nodes inside ``if TYPE_CHECKING:`` blocks (never run)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skipped


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that a module imports anywhere in its code (function level too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_only(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            targets = [f"{source}.{alias.name}" for alias in node.names]
            targets = [t if t in modules else source for t in targets]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import pkg.x.y` → its nearest module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = _modules(package)
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def _path(graph: dict[str, set[str]], start: str, goal) -> list[str] | None:
    """A shortest import chain from ``start`` to a module for which ``goal`` holds."""
    chains = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node]):
            if nxt not in chains:
                chains[nxt] = [*chains[node], nxt]
                if goal(nxt):
                    return chains[nxt]
                queue.append(nxt)
    return None


def test_graph_reader_on_a_package_written_by_hand(tmp_path):
    files = {
        "pkg/__init__.py": "from ._v import v\n",
        "pkg/_v.py": "import os\nv = 1\n",
        "pkg/a.py": "def f():\n    from . import b\n",
        "pkg/b.py": (
            "from typing import TYPE_CHECKING\n"
            "from .sub import c\n"
            "if TYPE_CHECKING:\n    from . import a\n"
        ),
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "import pkg.b\n\ndef g():\n    from ..a import f\n",
        "pkg/d.py": "from . import __version__\nimport pkg.sub.c\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = _graph(tmp_path / "pkg")
    assert graph == {
        "pkg": {"pkg._v"},
        "pkg._v": set(),
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.sub.c"},
        "pkg.d": {"pkg", "pkg.sub.c"},
        "pkg.sub": set(),
        "pkg.sub.c": {"pkg.a", "pkg.b"},
    }
    assert _cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    assert _path(graph, "pkg.d", lambda m: m == "pkg.a") == ["pkg.d", "pkg.sub.c", "pkg.a"]


def test_the_import_graph_has_no_cycle():
    assert _cycles(_graph()) == []


@pytest.mark.slow
@pytest.mark.parametrize("module", ANALYSIS)
def test_analysis_modules_import_no_presentation_module(module):
    graph = _graph()
    name = f"landkit.{module}"
    assert name in graph, f"{name} is missing"

    def presentation(target: str) -> bool:
        return target.split(".")[1] in PRESENTATION

    assert _path(graph, name, presentation) is None, "import chain: " + " → ".join(
        _path(graph, name, presentation)
    )


def test_no_module_exceeds_the_size_budget():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}


def test_every_subpackage_and_data_file_is_installed():
    import tomllib
    from fnmatch import fnmatch

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    packages = set(setup["setuptools"]["packages"])
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert folders - packages == set()
    patterns = setup["setuptools"]["package-data"]
    data = [
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    unshipped = []
    for path in data:
        folder = path.parent
        while not (folder / "__init__.py").exists():
            folder = folder.parent
        package = ".".join(folder.relative_to(ROOT).parts)
        relative = path.relative_to(folder).as_posix()
        globs = patterns.get(package, [])
        if not any(fnmatch(relative, g) and relative.count("/") == g.count("/") for g in globs):
            unshipped.append(str(path.relative_to(ROOT)))
    assert unshipped == []
