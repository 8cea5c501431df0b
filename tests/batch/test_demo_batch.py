"""The whole path on the demo export set: demo -> ingest -> indicators -> every notebook -> HTML.

Runs the batch once for two units (module fixture) and checks what a reader of the reports relies on.
"""

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.batch.jobs import select_notebooks
from analysis.batch.run import run_batch, run_reports
from analysis.periods import Period
from analysis.readers.files import list_files, read_sheets
from analysis.readers.headers import PERSONAL, AliasTable
from analysis.reference.units import find

pytestmark = pytest.mark.e2e

UNITS = ["Ninh Thạnh", "Phường 1"]
PERIOD = Period.parse("2024Q2")


@pytest.fixture(scope="module")
def batch(tmp_path_factory, demo_export_set):
    root = tmp_path_factory.mktemp("batch")
    raw = demo_export_set[0]
    result = run_batch(
        PERIOD,
        units=UNITS,
        jobs=2,
        raw=raw,
        processed=root / "processed",
        reports=root / "reports",
        log=lambda *_: None,
    )
    return root, raw, result


def _pages(root: Path) -> list[Path]:
    return sorted((root / "reports" / PERIOD.label).rglob("*.html"))


def test_every_report_renders_for_every_unit(batch):
    root, _, result = batch
    assert result.ok, [(r.notebook, r.unit, r.error) for r in result.results if not r.ok]
    out = root / "reports" / PERIOD.label
    notebooks = [p for p in select_notebooks(paths.NOTEBOOKS, None)]
    index = (out / "index.html").read_text(encoding="utf-8")
    for r in result.results:
        assert Path(r.html).exists() and Path(r.executed).exists()
        assert Path(r.html).relative_to(out).as_posix() in index
    per_unit = {r.notebook for r in result.results if r.unit == "Ninh Thạnh"}
    assert {"10_service_index.ipynb", "20_sipas.ipynb", "40_par_index.ipynb"} <= per_unit
    assert {p.name for p in notebooks} == {r.notebook for r in result.results}


def test_indicator_tables_cover_every_index_and_unit(batch):
    root, raw, _ = batch
    out = root / "reports" / PERIOD.label
    table = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    assert {"service", "sipas", "papi", "par"} <= set(table["index"])
    service = table[table["index"] == "service"]
    assert set(UNITS) <= set(service["unit"])
    assert set(service["period"].astype(str)) == {"2024Q2"}
    sheets = pd.read_excel(out / "indicators.xlsx", sheet_name=None, engine="calamine")
    from analysis.publish.workbook import SHEETS

    for index, name in SHEETS.items():  # one sheet per index, every row of the CSV
        assert len(sheets[name]) == int((table["index"] == index).sum()), name
    assert len(sheets["Kế hoạch 23"]) == int(((table["index"] == "plan") | table["projected"].notna()).sum())


def test_reports_follow_the_html_contract(batch):
    root, raw, _ = batch
    for page_path in _pages(root):
        page = page_path.read_text(encoding="utf-8")
        assert '<html lang="vi">' in page, page_path
        assert re.search(r"<title>[^<]{5,}</title>", page), page_path
        assert "<script" not in page, page_path
        assert not re.search(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', page), page_path
        assert "import " not in page and "context.start(" not in page, page_path  # no code cells
        assert "Traceback" not in page, page_path
        assert "DỮ LIỆU MẪU" in page, page_path  # demo data said on every report


def _personal_values(raw: Path) -> set[str]:
    """Every value of a column the sources' alias tables call personal, read straight from the demo files."""
    values = set()
    aliases = AliasTable.from_csv(paths.reference("one_stop", "aliases.csv"))
    for path in list_files(raw):
        for sheet in read_sheets(path):
            for row_index, row in enumerate(sheet.rows[:40]):
                personal = [i for i, cell in enumerate(row) if aliases.field_for(cell) == PERSONAL]
                if len(personal) >= 2:
                    for data_row in sheet.rows[row_index + 1 :]:
                        values |= {str(data_row[i]).strip() for i in personal if i < len(data_row) and data_row[i]}
                    break
    return {v for v in values if len(v) >= 6}


def test_no_personal_data_reaches_processed_data_or_reports(batch):
    root, raw, _ = batch
    personal = _personal_values(raw)
    assert len(personal) > 100  # the demo carries fake names, phones, ID numbers and addresses
    for path in sorted((root / "processed").glob("*.parquet")):  # no cell of any text column is personal
        table = pd.read_parquet(path)
        for column in table.columns:
            if table[column].dtype == "string" or table[column].dtype == object:
                assert not set(table[column].dropna().astype(str)) & personal, f"{path.name}:{column}"
    # Reports and the indicator table: a spread of personal values, searched as plain text.
    sample = sorted(personal)[:: max(1, len(personal) // 400)]
    for path in _pages(root) + [root / "reports" / PERIOD.label / "indicators.csv"]:
        text = path.read_text(encoding="utf-8-sig")
        leaked = [v for v in sample if v in text]
        assert not leaked, f"{path.name}: {leaked[:3]}"


def test_rebuilding_from_the_same_inputs_gives_identical_html(batch, tmp_path):
    root, raw, _ = batch
    notebook = select_notebooks(paths.NOTEBOOKS, ["10"])
    again = run_reports(
        PERIOD,
        [find("Ninh Thạnh")],
        notebook,
        processed=root / "processed",
        reports=tmp_path,
        jobs=1,
        notebooks_dir=paths.NOTEBOOKS,
        demo=True,
        log=lambda *_: None,
    )
    first = root / "reports" / PERIOD.label / "ninh-thanh" / "10_service_index.html"
    second = Path(again.results[0].html)
    # the navigation header lists the reports each batch built (here the whole batch, there one report)
    nav = re.compile(rb'<nav class="chiso-nav".*?</nav>', re.S)
    assert nav.search(first.read_bytes()) and nav.search(second.read_bytes())
    assert nav.sub(b"", first.read_bytes()) == nav.sub(b"", second.read_bytes())


def test_city_page_is_the_scorecard_and_every_unit_has_its_plan_scorecard(batch):
    root, _, result = batch
    out = root / "reports" / PERIOD.label
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Đơn vị × chỉ tiêu của Kế hoạch" in index and "Xếp hạng" in index and "chệch hướng nhiều nhất" in index
    assert "Số liệu chính của từng đơn vị" in index
    for unit in UNITS:
        card = out / find(unit).slug / "05_plan_scorecard.html"
        assert card.exists() and f'href="{find(unit).slug}/05_plan_scorecard.html"' in index
        text = card.read_text(encoding="utf-8")
        assert "Dự báo cuối năm" in text and "Mười phần điểm đáng lấy lại nhất" in text
    table = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig", dtype={"code": str})
    tasks = table[(table["index"] == "plan") & (table["unit"] == "Ninh Thạnh")]
    assert len(tasks) == 28 and tasks["owner"].notna().all() and tasks["deadline"].notna().all()
    on_time = table[(table["index"] == "service") & (table["code"] == "2.1") & (table["unit"] == "Ninh Thạnh")]
    row = on_time.iloc[0]
    assert row["projected_low"] <= row["projected"] <= row["projected_high"]


def test_one_units_rows_are_all_rows_for_that_unit(batch):
    from pandas.testing import assert_frame_equal

    from analysis import collect
    from analysis.collect import plan

    root, _, _ = batch
    key = ["unit", "index", "code"]
    every = collect.all_rows(root / "processed", PERIOD)
    every = every[every["unit"].isin(["Ninh Thạnh", "Tây Ninh"])].sort_values(key).reset_index(drop=True)
    mine = plan.unit_rows(root / "processed", PERIOD, "Ninh Thạnh").sort_values(key).reset_index(drop=True)
    assert_frame_equal(every, mine)
