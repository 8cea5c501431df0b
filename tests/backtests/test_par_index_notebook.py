"""notebooks/40_par_index.ipynb executed on the demo set (demo.par -> ingest.par -> processed), checked in its
outputs against totals summed independently from the demo files; and a unit or a folder without PAR data."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import openpyxl
import pytest

from analysis.collect import par as collect
from analysis.demo import par as demo
from analysis.ingest import par as ingest
from analysis.ingest import runner
from analysis.periods import Period
from analysis.report import par as report

from . import helpers

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("par")
    raw, processed = root / "raw", root / "processed"
    demo.write(raw)
    result = ingest.ingest(raw)
    runner.write_results([result], processed, raw)
    without = root / "without_phuong_1"  # the same scores, Phường 1 removed
    runner.write_results([replace(result, table=result.table[result.table["unit"] != "Phường 1"])], without, raw)
    empty = root / "empty"
    runner.write_results([], empty, raw)
    return {"raw": raw, "processed": processed, "without": without, "empty": empty, "root": root}


def leaf_total(rows: list[tuple[str, float]]) -> float:
    """Sum of the rows whose code is nobody's parent (the leaves), computed from the file's own codes."""
    codes = [code for code, _ in rows]
    return round(sum(points for code, points in rows if not any(c.startswith(code + ".") for c in codes)), 2)


def demo_2024(raw: Path, quarter: int, unit: str) -> float:
    text = (raw / "par_index" / f"demo_par_2024_q{quarter}.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    rows = [r for r in csv.DictReader(text, delimiter=";") if r["Đơn vị"] == unit]
    return leaf_total([(r["Mã tiêu chí"], float(r["Điểm tự đánh giá"].replace(",", "."))) for r in rows])


def demo_2023(raw: Path, unit: str) -> float:
    sheet = openpyxl.load_workbook(raw / "par_index" / "demo_par_2023.xlsx").active
    rows = [(r[3], r[7]) for r in sheet.iter_rows(min_row=6, values_only=True) if r[1] == unit]
    return leaf_total(rows)


def vi(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def execute(folders, out_name: str, **parameters) -> tuple[str, nbformat.NotebookNode]:
    """Run the notebook; its outputs as one line of plain text, and the executed notebook."""
    nb = helpers.execute("40_par_index.ipynb", folders["root"] / out_name, **parameters)
    return re.sub(r"\s+", " ", helpers.output_text(nb)), nb


def table_row(text: str, start: str) -> str:
    """The text of the first table row whose first cell is ``start`` (rows end where the next code begins)."""
    match = re.search(rf" {re.escape(start)} (.*?)(?= \d+\.\d+(\.\d+)? |$)", text)
    return match.group(1) if match else ""


def test_report_for_ninh_thanh_in_2024q2(folders):
    text, nb = execute(folders, "nt.ipynb", unit="Ninh Thạnh", period="2024Q2", processed_dir=str(folders["processed"]))
    assert not helpers.errors(nb)
    assert "DỮ LIỆU MẪU (DEMO)" in text and "Traceback" not in text
    now, before = demo_2024(folders["raw"], 2, "phường Ninh Thạnh"), demo_2023(folders["raw"], "phường Ninh Thạnh")
    assert f"đến 30/06/2024, phường Ninh Thạnh đạt {vi(now)}/100 điểm ({vi(now)} %), xếp loại Tốt" in text
    assert f"Năm 2023 (điểm thẩm định): {vi(before)}/100 điểm" in text
    # the demo's script: 7.1.2 full in 2023, lost in 2024; 5.4.3 is new; 3.4.3 of 2023 is 7.4.3 now
    assert "Mới mất điểm" in table_row(text, "7.1.2")
    assert "không có tiêu chí tương ứng" in table_row(text, "5.4.3")
    assert "năm 2023 là mã 3.4.3" in text
    assert "Chỉ có năm 2023 5.4.2 Không có công chức bị xử lý kỷ luật" in text
    # the city among the districts, from QĐ 2729 (real): 86,98 / 100, 3rd
    assert "UBND thành phố Tây Ninh 100,00 86,98 86,98 % 3 Tốt" in text
    assert helpers.images(nb) == 4  # Pareto, self gap, wards, districts
    assert "bộ tiêu chí MẪU" in text and "Tốt ≥ 80 %, Khá ≥ 60 %, Kém < 60 %" in text


def test_a_unit_without_scores_is_told_so(folders):
    text, nb = execute(folders, "p1.ipynb", unit="Phường 1", period="2024Q1", processed_dir=str(folders["without"]))
    assert not helpers.errors(nb)
    assert "Chưa có điểm Chỉ số cải cách hành chính (PAR INDEX) của đơn vị cho kỳ này" in text
    assert "UBND thành phố Tây Ninh" in text  # the real district comparison still shows


def test_a_folder_without_any_par_file(folders):
    text, nb = execute(folders, "none.ipynb", unit="Ninh Thạnh", period="2024Q1", processed_dir=str(folders["empty"]))
    assert not helpers.errors(nb)
    assert "Chưa có điểm Chỉ số cải cách hành chính (PAR INDEX) của đơn vị cho kỳ này" in text


def test_data_text_is_escaped(folders):
    view = report.unit_view(folders["processed"], "2024Q1", "Ninh Thạnh")
    nodes = view.nodes.assign(
        name=view.nodes["name"].where(view.nodes["code"] != "7.1.2", "<script>x</script>"), evidence="Đủ & <b>đúng</b>"
    )
    markup = report.top_lost(replace(view, nodes=nodes), limit=100)
    assert "&lt;script&gt;x&lt;/script&gt;" in markup and "<script>" not in markup
    assert "Đủ &amp; &lt;b&gt;đúng&lt;/b&gt;" in markup


def test_long_rows_for_every_unit_take_the_assessment_of_the_period(folders):
    q1 = collect.rows(folders["processed"], Period.parse("2024Q1"))
    q2 = collect.rows(folders["processed"], Period.parse("2024Q2"))
    # 10 units x (the total + 125 nodes of the 2024 set)
    assert len(q2) == 1260 and set(q2["index"]) == {"par"} and q2["unit"].nunique() == 10
    for rows, quarter in ((q1, 1), (q2, 2)):
        total = rows[(rows["unit"] == "Ninh Thạnh") & (rows["code"] == "total")].iloc[0]
        assert round(total["points"], 2) == demo_2024(folders["raw"], quarter, "phường Ninh Thạnh")
        assert round(total["baseline"], 2) == demo_2023(folders["raw"], "phường Ninh Thạnh")
    leaf = q2[(q2["unit"] == "Ninh Thạnh") & (q2["code"] == "7.1.2")].iloc[0]
    assert (leaf["status"], leaf["owner"]) == ("newly_lost", "Văn phòng UBND phường; Văn thư lưu trữ")


def test_long_rows_without_data(folders):
    rows = collect.rows(folders["without"], Period.parse("2024Q2"))
    missing = rows[rows["unit"] == "Phường 1"]
    assert missing[["code", "status"]].values.tolist() == [["total", "no_data"]] and missing["value"].isna().all()
    assert collect.rows(folders["empty"], Period.parse("2024Q2")).empty  # no PAR file at all: no rows
