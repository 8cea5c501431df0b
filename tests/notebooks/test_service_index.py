"""The service report: its sentences and tables from hand-made rows, and notebooks/10_service_index.ipynb
executed on the demo export set (demo.one_stop -> ingest.one_stop -> processed), checked in its outputs."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.ingest import runner
from analysis import store
from analysis.collect import service as collect
from analysis.indicators.long import long_frame
from analysis.periods import Period
from analysis.report import service as report

from . import helpers

NOTEBOOK = "10_service_index.ipynb"
UNIT = "Ninh Thạnh"


def unit_rows(values: dict[str, float | None], baseline_21: float | None = 75.0) -> pd.DataFrame:
    """Long rows of one unit for 2024Q1 with the given values; targets as in the plan."""
    targets = {"2.1": 100, "2.1.late": 0, "06a.10": 0, "06a.13": 0, "late.citizen": 0, "apology.missing": 0,
               "3.3": 80}
    status = {"2.1": "improving", "2.1.late": "worse", "06a.10": "worse", "06a.13": "met", "late.citizen": "worse",
              "apology.missing": "worse", "3.3": "no_data", "06a.3": None, "06a.ready": None}
    return long_frame([{"period": "2024Q1", "unit": UNIT, "index": "service", "code": code, "value": value,
                        "name": code, "measure": "percent" if code in ("2.1", "3.3") else "count",
                        "target": targets.get(code), "baseline": baseline_21 if code == "2.1" else None,
                        "baseline_period": "2023Q1", "status": status[code] if value is not None else "no_data"}
                       for code, value in values.items()])


def test_headline_names_both_late_views_apologies_and_targets():
    # late for the citizen (the late.citizen row) = 4: 1 returned late (06a.10) + 3 overdue (06a.13), of which 2
    # without a letter; 2 more ready and waiting; 766 view: 3 late, 76,9 %
    # targets: 2.1, 2.1.late, 06a.10, 06a.13, late.citizen, apology.missing have data, none met except 06a.13;
    # 3.3 no data -> 7 targets: met 1, not met 5, no data 1
    rows = unit_rows({"06a.3": 14, "06a.10": 1, "06a.13": 3, "late.citizen": 4, "06a.ready": 2,
                      "apology.missing": 2, "2.1.late": 3, "2.1": 1000 / 13, "3.3": None})
    text = report.headline(rows)
    assert text.startswith("Quý I/2024, phường Ninh Thạnh có 4 hồ sơ trễ hạn với người dân")
    assert "1 đã trả quá hạn, 3 đang giải quyết quá hạn" in text
    assert "trong đó 2 hồ sơ chưa có phiếu xin lỗi" in text
    assert "QĐ 766 (ngày kết thúc xử lý) có 3 hồ sơ trễ hạn" in text and "76,9 %" in text
    assert "(Quý I/2023: 75,0 %)" in text
    assert "2 hồ sơ khác đã có kết quả trước hoặc đúng hạn, đang chờ công dân đến nhận" in text
    assert "Trong 7 chỉ tiêu của Kế hoạch 23/KH-UBND: đạt 1, chưa đạt 5, không có dữ liệu 1 (3.3)." in text


def test_headline_when_nothing_is_late_or_apology_unknown():
    calm = report.headline(unit_rows({"06a.3": 5, "06a.10": 0, "06a.13": 0, "late.citizen": 0, "apology.missing": 0,
                                      "2.1.late": 0, "2.1": 100.0}, baseline_21=None))
    assert "không có hồ sơ trễ hạn với người dân" in calm and "Quý I/2023" not in calm
    unknown = report.headline(unit_rows({"06a.3": 5, "06a.10": 2, "06a.13": 0, "late.citizen": 2,
                                         "apology.missing": None,
                                         "2.1.late": 2, "2.1": 60.0}))
    assert "có 2 hồ sơ trễ hạn" in unknown and "không cho biết đã lập phiếu xin lỗi" in unknown
    empty = report.headline(unit_rows({"06a.3": None, "06a.10": None, "06a.13": None, "late.citizen": None,
                                       "2.1.late": None,
                                       "2.1": None}))
    assert empty == "Quý I/2024: phường Ninh Thạnh không có dữ liệu hồ sơ một cửa."


def test_late_procedures_sentence():
    table = pd.DataFrame({"procedure_name": ["Khai sinh", "Kết hôn", "Trợ cấp"], "late": [1, 0, 0],
                          "late_for_citizen": [2, 1, 0]})
    assert report.late_procedures(table) == ("Hồ sơ trễ hạn thuộc các thủ tục: Khai sinh (2 trễ với người dân, "
                                             "1 theo QĐ 766); Kết hôn (1 trễ với người dân, 0 theo QĐ 766).")
    assert report.late_procedures(table.iloc[2:]) == "Không có thủ tục nào có hồ sơ trễ hạn."


def test_late_list_escapes_data_and_shows_unreturned():
    late = pd.DataFrame({"dossier_id": ["<b>X1</b>"], "procedure_name": ["Khai sinh & kết hôn"], "field": ["Hộ tịch"],
                         "received": [pd.Timestamp("2024-01-02")], "judged_on": [pd.Timestamp("2024-03-31")],
                         "returned": [pd.NaT], "due": [pd.Timestamp("2024-01-10")],
                         "days_late_766": pd.array([81], dtype="Int64"), "days_late_citizen": pd.array([81], "Int64"),
                         "apology": pd.array([pd.NA], dtype="boolean")})
    markup = report.late_list(late)
    assert "&lt;b&gt;X1&lt;/b&gt;" in markup and "<b>X1" not in markup and "Khai sinh &amp; kết hôn" in markup
    assert "chưa trả" in markup and "không rõ" in markup and "31/03/2024" in markup


# ------------------------------------------------------------------ the notebook on the demo export set

@pytest.fixture(scope="module")
def demo_processed(tmp_path_factory, demo_export_set) -> Path:
    """The demo export set written by demo.one_stop and read by ingest.one_stop. Only the files of Ninh Thạnh
    and Ninh Sơn are ingested: the other eight units add 20 s and nothing this report's checks need (and
    Phường 1, left out, is the unit without data)."""
    from analysis.ingest import one_stop

    root = tmp_path_factory.mktemp("service")
    written = demo_export_set[1]
    raw = root / "raw"
    (raw / "one_stop").mkdir(parents=True)
    for path in written:
        if path.name.startswith(("demo_ninh-thanh", "demo_ninh-son")):
            shutil.copy(path, raw / "one_stop" / path.name)
    processed = root / "processed"
    runner.write_results([one_stop.ingest(raw)], processed, raw)
    return processed


def run(processed: Path, out: Path, unit: str = UNIT, period: str = "2024Q1") -> nbformat.NotebookNode:
    nb = helpers.execute(NOTEBOOK, out, unit=unit, period=period, processed_dir=str(processed))
    assert not helpers.errors(nb)
    return nb


@pytest.fixture(scope="module")
def executed(demo_processed, tmp_path_factory) -> nbformat.NotebookNode:
    return run(demo_processed, tmp_path_factory.mktemp("nb") / "10_service_index.ipynb")


def test_notebook_first_screen_answers_the_questions(executed, demo_processed):
    rows = collect.rows(demo_processed, Period.parse("2024Q1"))
    mine = rows.loc[rows["unit"] == UNIT].set_index("code")["value"]
    citizen = int(mine["late.citizen"])
    assert citizen == int(mine["06a.10"] + mine["06a.13"])
    summary = helpers.output_text(executed)
    assert "DỮ LIỆU MẪU (DEMO)" in summary
    assert (f"có {citizen} hồ sơ trễ hạn với người dân" in summary
            or (citizen == 0 and "không có hồ sơ trễ hạn với người dân" in summary))
    assert f"QĐ 766 (ngày kết thúc xử lý) có {int(mine['2.1.late'])} hồ sơ trễ hạn" in summary
    assert "Hồ sơ trễ hạn thuộc các thủ tục" in summary or "Không có thủ tục nào có hồ sơ trễ hạn" in summary
    assert "Trễ hạn với người dân: đang giải quyết quá hạn (biểu II.06a, cột 13)" in summary
    assert "Quý I/2023" in summary and "Chỉ tiêu KH 23" in summary


def test_notebook_has_charts_tables_and_notes(executed):
    assert helpers.images(executed) == 3  # late share by field, handling time, monthly trend
    text = helpers.output_text(executed)
    for heading in ("Biểu II.06a", "Đang giải quyết: quá hạn", "Điểm tối đa", "Theo thủ tục", "Trung vị (ngày lịch)",
                    "Phiếu xin lỗi", "không được tiếp nhận (trạng thái 3)", "certification.csv",
                    "Đã có kết quả, chờ công dân nhận", "Ghi riêng", "hai cách đo", "cách đọc của dự án"):
        assert heading in text, heading


def test_notebook_shows_no_personal_data(executed, demo_processed):
    table = store.read_table("one_stop", demo_processed)
    assert not set(table.columns) & {"applicant", "phone", "address", "email", "id_number", "personal"}
    text = helpers.output_text(executed)
    # the demo's fake people: "Nguyễn Văn A700001", phones 09007…, ID numbers 000000700001, "… đường Demo"
    assert "đường Demo" not in text and not re.search(r"[A-Z]\d{6}\b", text)
    assert not re.search(r"(?<![\d.-])0\d{9,11}(?![\d.-])", text), "a phone or ID number in the report"


def test_an_export_without_apology_column_is_said_so(demo_processed):
    # Ninh Sơn's 2023 template has no apology column: its 2023Q1 apology figure is no data, never 0
    rows = collect.rows(demo_processed, Period.parse("2023Q1"))
    ninh_son = rows.loc[rows["unit"] == "Ninh Sơn"].set_index("code")
    assert pd.isna(ninh_son.loc["apology.missing", "value"]) and ninh_son.loc["apology.missing", "status"] == "no_data"
    text = report.headline(rows.loc[rows["unit"] == "Ninh Sơn"])
    assert "không cho biết đã lập phiếu xin lỗi" in text or "không có hồ sơ trễ hạn" in text
    view = collect.unit_view(demo_processed, Period.parse("2023Q1"), "Ninh Sơn")
    assert "apology_issued" in view.missing_columns and "phiếu xin lỗi" in report.notes(view)


def test_notebook_for_a_unit_without_data_says_so(demo_processed, tmp_path):
    nb = run(demo_processed, tmp_path / "none.ipynb", unit="Phường 1")
    text = helpers.output_text(nb)
    assert "không có dữ liệu" in text and "Báo cáo dừng ở đây" in text
