"""The warm kernel gives the same reports as a fresh kernel per notebook (papermill's own way), byte for byte.

Every report notebook runs for one unit and for the city in ONE warm kernel (one worker), one after the other,
and again each with ``papermill.execute_notebook`` in its own fresh kernel. The HTML must be identical; the
executed notebooks identical except the run's timestamps and paths and the random ids papermill gives the
cells it inserts (two plain papermill runs differ there too).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill
import pytest

from analysis import paths
from analysis.batch import kernel
from analysis.batch.jobs import plan_jobs, select_notebooks
from analysis.batch.run import run_reports
from analysis.ingest import runner
from analysis.periods import Period
from analysis.publish import nav
from analysis.publish.render import render_file
from analysis.reference.units import find

pytestmark = pytest.mark.e2e

PERIOD = Period.parse("2024Q2")
TIMING = ("start_time", "end_time", "duration", "input_path", "output_path")


def _without_run_record(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    for key in TIMING:
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        if {"injected-parameters", "papermill-error-cell-tag"} & set(cell.metadata.get("tags", [])):
            cell.pop("id", None)
        cell.metadata.pop("execution", None)
        for key in TIMING:
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


NAV = re.compile(rb'<nav class="chiso-nav".*?</nav>', re.S)


@pytest.fixture(scope="module")
def processed(tmp_path_factory, demo_export_set):
    out = tmp_path_factory.mktemp("warm") / "processed"
    runner.run(demo_export_set[0], out)
    return out


def test_warm_kernel_reports_are_byte_identical_to_fresh_kernel_reports(tmp_path, processed):
    notebooks = select_notebooks(paths.NOTEBOOKS, None)
    units = [find("Ninh Thạnh")]
    warm = run_reports(
        PERIOD,
        units,
        notebooks,
        processed=processed,
        reports=tmp_path / "warm",
        jobs=1,
        notebooks_dir=paths.NOTEBOOKS,
        demo=True,
        log=lambda *_: None,
    )
    assert len(warm.results) >= 6  # several notebooks ran one after the other in the same kernel
    assert sum(r.ok for r in warm.results) >= 5
    fresh_out = tmp_path / "fresh"
    fresh_ok = {}
    for job in plan_jobs(PERIOD, units, notebooks, processed, fresh_out):
        Path(job.executed).parent.mkdir(parents=True, exist_ok=True)
        try:
            papermill.execute_notebook(
                str(paths.NOTEBOOKS / job.notebook),
                job.executed,
                parameters=job.parameters,
                kernel_name=kernel.KERNEL,
                progress_bar=False,
                cwd=str(paths.NOTEBOOKS),
            )
        except papermill.PapermillExecutionError:
            fresh_ok[(job.notebook, job.slug)] = False
            continue
        fresh_ok[(job.notebook, job.slug)] = True
        render_file(Path(job.executed), Path(job.html), Path(job.notebook).stem)
    # A notebook that fails in a fresh kernel fails the same way in the warm one, and only those.
    assert {(r.notebook, r.slug): r.ok for r in warm.results} == fresh_ok
    for r in warm.results:
        executed = Path(r.executed).relative_to(tmp_path / "warm" / PERIOD.label)
        assert _without_run_record(Path(r.executed)) == _without_run_record(fresh_out / executed), executed
        if r.ok:
            rel = Path(r.html).relative_to(tmp_path / "warm" / PERIOD.label)
            # the batch fills in the navigation header where the renderer left its marker; the rest is identical
            warm_html = NAV.sub(nav.MARKER.encode(), Path(r.html).read_bytes(), count=1)
            assert warm_html == (fresh_out / rel).read_bytes(), rel


def _run_in_one_kernel(tmp_path: Path, notebooks: dict[str, list[str]]) -> dict:
    """Notebooks made of a parameters cell and these code cells, run one after another in one warm kernel;
    their results by file name."""
    from nbformat.v4 import new_code_cell, new_notebook

    folder = tmp_path / "nb"
    folder.mkdir()
    for name, bodies in notebooks.items():
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = new_code_cell('period: str = "2024Q1"\nprocessed_dir: str = ""\nunit: str = ""')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, *(new_code_cell(body) for body in bodies)]
        nbformat.write(nb, folder / name)
    result = run_reports(
        PERIOD,
        [find("Ninh Thạnh")],
        sorted(folder.glob("*.ipynb")),
        processed=tmp_path,
        reports=tmp_path / "out",
        jobs=1,
        notebooks_dir=folder,
        demo=False,
        log=lambda *_: None,
    )
    return {r.notebook: r for r in result.results}


def test_a_failing_notebook_fails_alone_and_the_next_one_in_the_same_kernel_is_clean(tmp_path):
    show = "print(sorted(k for k in globals() if not k.startswith('_')))"
    by = _run_in_one_kernel(
        tmp_path,
        {
            "10_sets.ipynb": ["leaked = 1"],
            "15_clean.ipynb": [show],
            "20_fails.ipynb": ["leaked = 2\nraise ValueError('hỏng')"],
            "30_clean.ipynb": [show],
        },
    )
    assert [name for name, r in by.items() if not r.ok] == ["20_fails.ipynb"]
    assert "hỏng" in by["20_fails.ipynb"].error
    for name in ("15_clean.ipynb", "30_clean.ipynb"):  # after a success (namespace reset), after a failure
        out = nbformat.read(by[name].executed, as_version=4)
        printed = out.cells[-1].outputs[0]["text"]
        assert "leaked" not in printed and "processed_dir" in printed, name
        assert out.cells[-1].execution_count == 3, name  # parameters, injected parameters, this cell


def test_a_notebook_whose_kernel_dies_is_kept_as_far_as_it_ran_and_the_next_one_runs(tmp_path):
    by = _run_in_one_kernel(
        tmp_path,
        {"10_dies.ipynb": ["print('trước')", "import os\nos._exit(1)"], "20_after.ipynb": ["print('sau')"]},
    )
    assert not by["10_dies.ipynb"].ok and by["20_after.ipynb"].ok
    kept = nbformat.read(by["10_dies.ipynb"].executed, as_version=4)
    printed = [o.get("text", "") for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert "trước\n" in printed  # what ran before the kernel died is in the kept notebook
