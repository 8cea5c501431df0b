"""What readers see of the reports' form: print-only rows and columns, units kept with numbers, Vietnamese
axis numbers, the navigation header, image descriptions, the data-quality summary and the drill-down rows.
Each expected value is worked out by hand from the small input written here."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest

from analysis import fmt
from analysis.periods import Period
from analysis.publish import nav
from analysis.publish.render import describe_images
from analysis.report import charts, drill, html, quality
from analysis.store import schemas

ROOT = Path(__file__).resolve().parents[2]


def test_printed_table_keeps_the_first_rows_and_says_where_the_rest_is():
    frame = pd.DataFrame({"id": [f"HS-{i}" for i in range(5)], "day": ["a"] * 5, "n": range(5)})
    markup = html.table(
        frame, {"id": "Mã", "day": "Ngày", "n": "Số"}, print_rows=2, print_hide=("day",), full_list="sổ đã chạy"
    )
    rows = re.findall(r"<tr[^>]*>", markup.split("<tbody>")[1])
    assert [("chiso-print-extra" in r) for r in rows] == [False, False, True, True, True]
    assert markup.count('class="chiso-noprint"') == 1 + 5  # the heading and every cell of the hidden column
    assert "Bản in chỉ gồm 2 dòng đầu trong 5 dòng; danh sách đầy đủ có trong sổ đã chạy." in markup
    assert "Bản in lược bớt cột: Ngày (có trong sổ đã chạy)." in markup
    short = html.table(frame.head(2), {"id": "Mã"}, print_rows=2)
    assert "chiso-print-only" not in short and "chiso-print-extra" not in short


def test_table_cells_without_a_format_get_vietnamese_separators_but_years_do_not():
    frame = pd.DataFrame({"what": ["x"], "count": [147786], "year": [2023], "share": [2.5]})
    markup = html.table(frame, {"what": "Mục", "count": "Số dòng", "year": "Năm", "share": "Tỷ lệ"})
    assert ">147.786<" in markup and ">2023<" in markup and ">2,5<" in markup


def test_units_stay_on_the_numbers_line():
    nbsp = "\u00a0"
    assert (
        fmt.keep_units("+31,3 điểm % và 97,3 % (27 hồ sơ)") == f"+31,3{nbsp}điểm{nbsp}% và 97,3{nbsp}% (27{nbsp}hồ sơ)"
    )
    assert fmt.keep_units("năm 2023 điểm cao") == f"năm 2023{nbsp}điểm cao"
    assert fmt.keep_units("Điểm trung bình") == "Điểm trung bình"  # no number, nothing to keep


def test_chart_axes_use_the_vietnamese_number_style():
    matplotlib.use("Agg")
    charts.setup()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1.5], [-1000, 2500])
    ax.set_xticks([0, 0.25, 1.5])
    ax.set_yticks([-1000, 0, 2500])
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0,00", "0,25", "1,50"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["−1.000", "0", "2.500"]
    plt.close(fig)


def test_navigation_links_the_index_the_units_reports_and_the_overview(tmp_path):
    period = tmp_path / "2024Q4"
    built = [
        nav.Built("ninh-thanh", "10_service_index", period / "ninh-thanh" / "10_service_index.html", "A"),
        nav.Built("ninh-thanh", "40_par_index", period / "ninh-thanh" / "40_par_index.html", "B"),
        nav.Built("phuong-1", "10_service_index", period / "phuong-1" / "10_service_index.html", "C"),
        nav.Built("thanh-pho", "90_overview", period / "thanh-pho" / "90_overview.html", "D"),
    ]
    header = nav.header(built[0], built, period / "index.html", "phường Ninh Thạnh")
    assert re.findall(r'href="([^"]+)"', header) == [
        "../index.html",
        "40_par_index.html",
        "../thanh-pho/90_overview.html",
    ]
    assert '<span class="chiso-here" aria-current="page">Phục vụ người dân (QĐ 766)</span>' in header
    assert "phuong-1" not in header  # another unit's report is not "this unit's"
    for report in built:
        report.html.parent.mkdir(parents=True, exist_ok=True)
        report.html.write_text(f"<body>{nav.MARKER}<h1>x</h1></body>", encoding="utf-8")
    nav.add_headers(built, period / "index.html", {"ninh-thanh": "phường Ninh Thạnh"})
    overview = built[3].html.read_text(encoding="utf-8")
    assert nav.MARKER not in overview and 'href="../index.html"' in overview
    assert "Tổng quan toàn thành phố</a>" not in overview  # the city's reports list the overview once


def test_charts_are_described_by_their_section_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Năm yếu tố\n\nGiải thích"),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", {"image/png": "AA=="})]),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", {"text/html": "<p>x</p>"})]),
    ]
    describe_images(nb)
    assert nb.cells[1].outputs[0].metadata["image/png"]["alt"] == "Biểu đồ: Năm yếu tố"
    assert "image/png" not in nb.cells[2].outputs[0].get("metadata", {})


MANIFEST = {
    "sources": {"one_stop": {}, "sipas": {}},
    "files": [
        {
            "source": "one_stop",
            "file": "one_stop/a.xlsx",
            "sheet": "",
            "header_row": 3,
            "demo": False,
            "rows_read": 10,
            "rows_ingested": 8,
            "rows_quarantined": 2,
            "rows_duplicate": 0,
            "lines_skipped": 1,
            "columns": {"Mã hồ sơ": "dossier_id", "Họ tên": "personal"},
            "unknown_columns": [],
        },
        {
            "source": "one_stop",
            "file": "one_stop/b.csv",
            "sheet": "",
            "header_row": 1,
            "demo": False,
            "rows_read": 5,
            "rows_ingested": 5,
            "rows_quarantined": 0,
            "rows_duplicate": 0,
            "lines_skipped": 0,
            "columns": {},
            "unknown_columns": [],
        },
        {
            "source": "sipas",
            "file": "sipas/c.csv",
            "sheet": "",
            "header_row": 1,
            "demo": False,
            "rows_read": 4,
            "rows_ingested": 3,
            "rows_quarantined": 0,
            "rows_duplicate": 1,
            "lines_skipped": 0,
            "columns": {"Câu 1": "E1.1"},
            "unknown_columns": ["Ghi chú thêm"],
        },
    ],
}


def test_data_quality_summary_counts_reasons_and_lists_the_files_to_look_at_first():
    quarantine = pd.DataFrame(
        {
            "file": ["one_stop/a.xlsx"] * 2,
            "row": [4, 7],
            "record_id": ["H1", "H2"],
            "column": ["received_at"] * 2,
            "value": ["31/02/2024", "x"],
            "reason": [
                "ngày tiếp nhận không đọc được: '31/02/2024' (cột 'Ngày nhận')",
                "ngày tiếp nhận không đọc được: 'x' (cột 'Ngày nhận')",
            ],
        }
    )
    summary = quality.source_summary(MANIFEST, {"one_stop": quarantine, "sipas": quarantine.iloc[0:0]})
    one_stop = summary.set_index("source").loc["Hồ sơ một cửa"]
    assert (one_stop["rows_read"], one_stop["rows_ingested"], one_stop["rows_quarantined"]) == (15, 13, 2)
    assert one_stop["reasons"] == "ngày tiếp nhận không đọc được (2)"
    # a.xlsx (2 set aside) before c.csv (1 duplicate, 1 unknown header); b.csv was read whole
    assert quality.attention(MANIFEST)["file"].tolist() == ["one_stop/a.xlsx", "sipas/c.csv"]
    assert quality.recognised_columns(MANIFEST)["field"].tolist() == [
        "mã hồ sơ",
        "(dữ liệu cá nhân — bỏ, không lưu)",
        "tiêu chí SIPAS 1.1",
    ]
    assert quality.quarantine_summary(quarantine)["column"].tolist() == ["ngày tiếp nhận"] * 2
    assert (
        quality.reason_kind("câu trả lời không hợp lệ cho E4.3 (cần 1–5) — chỉ bỏ câu này")
        == "câu trả lời không hợp lệ"
    )
    assert (
        quality.reason_kind("mã hồ sơ trùng nhưng khác nhau ở: Ngày trả (các bản: a dòng 5)")
        == "mã hồ sơ trùng nhưng khác nhau"
    )


def test_drill_down_lists_the_answers_behind_a_lost_sipas_criterion(tmp_path):
    forms = pd.DataFrame(
        {
            "form_id": ["F1", "F2", "F3", "F4", "F5"],
            "unit": ["Ninh Thạnh"] * 4 + ["Phường 1"],
            "survey_date": pd.to_datetime(["2024-10-02", "2024-11-05", "2024-12-30", "2024-09-30", "2024-10-02"]),
            "procedure": ["Khai sinh"] * 5,
            "field": ["Hộ tịch"] * 5,
            "channel": ["direct"] * 5,
            "E1.1": pd.array([5, 2, 3, 1, 1], dtype="Int8"),
            "E1.2": pd.array([4, 4, pd.NA, 2, 5], dtype="Int8"),
        }
    )
    forms = forms.assign(
        gender=None, age_group=None, education=None, occupation=None, source_file="sipas/x.csv", source_row=range(2, 7)
    )
    forms = forms.astype(schemas.table("sipas").empty().dtypes.to_dict())  # the processed table's contract
    forms.to_parquet(tmp_path / "sipas.parquet", index=False)
    q4 = Period.parse("2024Q4")
    # F4 is in Q3 and F5 in another unit: Q4 of Ninh Thạnh has F1-F3; E1.1 unsatisfied in F2 (2) and F3 (3)
    assert drill.criteria(tmp_path, "sipas", "Ninh Thạnh", q4) == {"E1.1": "Tiêu chí 1.1 (2 câu trả lời chưa hài lòng)"}
    shown = drill.rows(tmp_path, "sipas", "Ninh Thạnh", q4, "E1.1")
    assert shown["form_id"].tolist() == ["F2", "F3"]
    assert "unit" not in shown.columns and "Mã phiếu" in drill.rows_html(shown)


def _default_period(path: Path) -> str:
    source = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code").source
    return re.search(r'^period: str = "([^"]+)"', source, re.M).group(1)


def test_every_notebook_defaults_to_the_batchs_period():
    batch_period = re.search(r"^PERIOD \?= (\S+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    notebooks = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
    assert {p.name: _default_period(p) for p in notebooks} == {p.name: batch_period for p in notebooks}


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks" / "exploratory").glob("*.ipynb")), ids=lambda p: p.stem)
def test_exploration_notebooks_are_committed_without_outputs(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"


def test_reference_sources_are_shown_without_notes_to_project_files():
    assert (
        html.without_file_notes("Bộ Nội vụ, kết quả Chỉ số SIPAS 2019 (methodology.md §3)")
        == "Bộ Nội vụ, kết quả Chỉ số SIPAS 2019"
    )
    assert (
        html.without_file_notes("Quyết định 2729/QĐ-UBND (tỉnh Tây Ninh)") == "Quyết định 2729/QĐ-UBND (tỉnh Tây Ninh)"
    )


def test_every_ingested_source_has_a_vietnamese_name_in_the_data_quality_report():
    from analysis.ingest import runner
    from analysis.report import quality

    assert set(runner.SOURCES) <= set(quality.SOURCE_VI)
