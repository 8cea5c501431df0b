"""The batch's contract on notebooks made here: failures kept and listed, parameters refused, HTML written."""

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis import store
from analysis.batch.jobs import BatchError, plan_jobs
from analysis.batch.run import run_reports
from analysis.periods import Period
from analysis.reference.units import find
from analysis.store import schemas


def _notebook(path: Path, body: str, scope: str = "unit", params: str | None = None) -> Path:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["chiso"] = {"scope": scope}
    cell = new_code_cell(
        params
        if params is not None
        else 'unit: str = "Ninh Thạnh"  # unit\nperiod: str = "2024Q1"  # period\nprocessed_dir: str = ""  # folder'
    )
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, new_code_cell(body)]
    nbformat.write(nb, path)
    return path


HEADER = (
    "from analysis.report import context\n"
    'ctx = context.start("Báo cáo thử", unit=unit, period=period, processed_dir=processed_dir)\n'
    'print("ĐƠN VỊ", ctx.unit)\n'
)


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "10_ok.ipynb", HEADER)
    _notebook(folder / "20_fails.ipynb", HEADER + 'if unit == "Phường 1":\n    raise ValueError("hỏng ở Phường 1")\n')
    return folder


@pytest.mark.e2e
def test_failed_notebook_is_kept_without_html_and_the_batch_goes_on(tmp_path, notebooks):
    units = [find("Phường 1"), find("Ninh Thạnh")]
    period = Period.parse("2024Q1")
    result = run_reports(
        period,
        units,
        sorted(notebooks.glob("*.ipynb")),
        processed=tmp_path / "processed",
        reports=tmp_path / "reports",
        jobs=2,
        notebooks_dir=notebooks,
        demo=False,
        log=lambda *_: None,
    )
    out = tmp_path / "reports" / "2024Q1"
    assert not result.ok
    by = {(r.notebook, r.slug): r for r in result.results}
    assert len(by) == 4
    failed = by[("20_fails.ipynb", "phuong-1")]
    assert not failed.ok and "ValueError" in failed.error and "hỏng ở Phường 1" in failed.error
    assert (out / "phuong-1" / "20_fails.ipynb").exists()  # kept for debugging
    assert not (out / "phuong-1" / "20_fails.html").exists()  # never rendered: it would show a traceback
    for slug in ("phuong-1", "ninh-thanh"):
        page = (out / slug / "10_ok.html").read_text(encoding="utf-8")
        assert "<title>Báo cáo thử</title>" in page
    assert (out / "ninh-thanh" / "20_fails.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="ninh-thanh/10_ok.html"' in index
    assert "hỏng ở Phường 1" in index and 'lang="vi"' in index
    executed = nbformat.read(out / "ninh-thanh" / "10_ok.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)  # the run's record


def test_unknown_parameter_is_refused_before_running(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    path = _notebook(
        folder / "10_city.ipynb",
        "pass",
        scope="unit",
        params='period: str = "2024Q1"  # p\nprocessed_dir: str = ""  # d',
    )
    with pytest.raises(BatchError, match="unit.*not declared"):
        plan_jobs(Period.parse("2024Q1"), [find("Ninh Thạnh")], [path], tmp_path, tmp_path)


def test_city_notebook_runs_once_and_per_unit_where_its_source_has_rows(tmp_path):
    import pandas as pd

    folder = tmp_path / "nb"
    folder.mkdir()
    path = _notebook(folder / "30_city.ipynb", "pass", scope="city")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["chiso"]["per_unit_source"] = "papi_survey"
    nbformat.write(nb, path)
    processed = tmp_path / "processed"
    processed.mkdir()
    table = schemas.PAPI_SURVEY.conform(
        pd.DataFrame(
            {
                "respondent_id": ["1", "2"],
                "unit": ["Ninh Thạnh"] * 2,
                "source_file": "papi_survey/x.csv",
                "source_row": [2, 3],
            }
        )
    )
    store.write_table("papi_survey", table, schemas.QUARANTINE.empty(), processed)
    jobs = plan_jobs(Period.parse("2024Q1"), [find("Phường 1"), find("Ninh Thạnh")], [path], processed, tmp_path)
    assert [(j.slug, j.parameters["unit"]) for j in jobs] == [("thanh-pho", ""), ("ninh-thanh", "Ninh Thạnh")]
    json.dumps([j.parameters for j in jobs])  # parameters are plain values


def test_longest_jobs_start_first_by_the_previous_runs_durations(tmp_path):
    from analysis.batch.jobs import Job, longest_first

    def job(notebook, slug, unit="x"):
        return Job(notebook, unit, slug, {}, f"{slug}/{notebook}", f"{slug}/{notebook}.html")

    jobs = [
        job("10_a.ipynb", "p1"),
        job("10_a.ipynb", "p2"),
        job("20_b.ipynb", "p1"),
        job("20_b.ipynb", "new"),
        job("90_c.ipynb", "thanh-pho", unit=None),
    ]
    assert [(j.notebook, j.slug) for j in longest_first(jobs, None)][0] == ("90_c.ipynb", "thanh-pho")
    previous = tmp_path / "manifest.json"
    previous.write_text(
        json.dumps(
            {
                "reports": [
                    {"notebook": "10_a.ipynb", "slug": "p1", "seconds": 1.0},
                    {"notebook": "10_a.ipynb", "slug": "p2", "seconds": 9.0},
                    {"notebook": "20_b.ipynb", "slug": "p1", "seconds": 4.0},
                    {"notebook": "20_b.ipynb", "slug": "p2", "seconds": 6.0},
                    {"notebook": "90_c.ipynb", "slug": "thanh-pho", "seconds": 3.0},
                ]
            }
        ),
        encoding="utf-8",
    )
    # 20_b for the new unit: that notebook's mean, (4 + 6) / 2 = 5
    assert [(j.notebook, j.slug) for j in longest_first(jobs, previous)] == [
        ("10_a.ipynb", "p2"),
        ("20_b.ipynb", "new"),
        ("20_b.ipynb", "p1"),
        ("90_c.ipynb", "thanh-pho"),
        ("10_a.ipynb", "p1"),
    ]
