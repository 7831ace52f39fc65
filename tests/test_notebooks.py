"""Every notebook runs top to bottom on the sample data, in a fresh working folder.

The notebooks are executed with nbclient by a kernel started from this very
interpreter (a kernelspec written into a temporary folder), so they run in
the environment under test and never in whatever ``python3`` kernel a user
happens to have installed.
"""

import re
import sys
import time
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
JOBS = ("three_lines", "metrics", "idle", "boundaries", "assessment")
BUDGET_S = 60.0
KERNEL = "landkit-test"


@pytest.fixture(scope="session")
def kernels(tmp_path_factory) -> Path:
    """A folder holding one kernelspec whose kernel is this interpreter."""
    from ipykernel.kernelspec import write_kernel_spec

    folder = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(folder / KERNEL, overrides={"display_name": "landkit tests"})
    return folder


def execute(notebook, workdir: Path, kernels: Path):
    """Run a notebook in ``workdir``; nbclient raises on the first failing cell."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    client = nbclient.NotebookClient(
        notebook, km=manager, timeout=600, resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    return notebook


def outputs(notebook, mime: str) -> list[str]:
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
    return found


def test_there_is_one_notebook_per_job():
    names = [path.stem for path in NOTEBOOKS]
    assert len(names) == len(JOBS)
    for job in JOBS:
        assert sum(job in name for name in names) == 1, (job, names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_valid_and_stripped(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} was run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_tells_the_story_in_chinese_and_english(path):
    notebook = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 200, "too little Chinese text"
    assert len(re.findall(r"\b[A-Za-z]+ [a-z]+ [a-z]+ [a-z]+\b", text)) > 5, (
        "too little English text"
    )


@pytest.mark.slow
def test_the_kernel_is_this_interpreter(tmp_path, kernels):
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[new_code_cell("import sys\nprint(sys.prefix)")])
    execute(notebook, tmp_path, kernels)
    assert notebook.cells[0].outputs[0]["text"].strip() == sys.prefix


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_a_map_a_table_and_a_chart(path, tmp_path, kernels):
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    execute(notebook, tmp_path, kernels)
    elapsed = time.perf_counter() - start

    html = outputs(notebook, "text/html")
    assert any("<table" in item for item in html), "no table shown"
    assert any("leaflet" in item.lower() for item in html), "no folium map shown"
    assert outputs(notebook, "image/png"), "no chart shown"
    written = [p for p in (tmp_path / "output").iterdir() if p.stat().st_size > 0]
    assert written, "the notebook wrote nothing into its working folder"
    assert not (NOTEBOOK_DIR / "output").exists(), "the notebook wrote into the repository"
    assert elapsed < BUDGET_S, f"{path.name} took {elapsed:.0f} s (budget {BUDGET_S:.0f} s)"
