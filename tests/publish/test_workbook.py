"""indicators.csv / indicators.xlsx: the formatted workbook, and no formula ever reaches either file."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd

from analysis.indicators.long import long_frame
from analysis.indicators.verdicts import verdicts
from analysis.publish import workbook
from analysis.reference import plan as reference_plan

PLANTED = '=HYPERLINK("http://x","x")'


def frame() -> pd.DataFrame:
    return long_frame(
        [
            {
                "period": "2024Q4",
                "unit": PLANTED,
                "index": "service",
                "code": "2.1",
                "name": "+cmd|' /C calc'!A0",
                "value": 97.3,
                "target": 100,
                "status": "improving",
                "projected": 97.5,
                "projected_low": 97.5,
                "projected_high": 97.5,
                "owner": "@SUM(1+1)",
                "deadline": "Hằng ngày",
            },
            {
                "period": "2024Q4",
                "unit": "Ninh Thạnh",
                "index": "plan",
                "code": "II.2.3.a",
                "name": "-2+3",
                "status": "done",
                "owner": "Công chức Văn phòng – Thống kê",
                "note": "\t=1+1",
            },
            {
                "period": "2024Q4",
                "unit": "Ninh Thạnh",
                "index": "par",
                "code": "5.4.2",
                "value": 83.3,
                "points": 1.25,
                "max_points": 1.5,
                "status": "still_lost",
                "change_vs_baseline": -1.5,
            },
        ]
    )


def actions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["Ninh Thạnh"],
            "dossier_id": ["=1+2"],
            "procedure_name": [PLANTED],
            "received_at": [pd.Timestamp("2024-12-20")],
            "due_at": [pd.Timestamp("2025-01-06")],
            "situation": ["due_soon"],
            "working_days_left": [1],
            "days_overdue": [pd.NA],
            "as_of": [pd.Timestamp("2025-01-03")],
        }
    )


def test_no_cell_of_the_workbook_is_a_formula_and_planted_text_stays_text(tmp_path):
    workbook.write(frame(), tmp_path, actions(), pd.Series(["on_track", None, None]))
    book = openpyxl.load_workbook(tmp_path / "indicators.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {PLANTED, "+cmd|' /C calc'!A0", "@SUM(1+1)", "=1+2", "-2+3"} <= texts
    assert book.sheetnames == [
        "Kế hoạch 23",
        "Phục vụ người dân (766)",
        "SIPAS",
        "PAPI",
        "PAR INDEX",
        "Hồ sơ sắp trễ hạn",
        "Giải thích",
    ]
    service = book["Phục vụ người dân (766)"]
    assert service.freeze_panes == "A2" and service.auto_filter.ref
    assert service["A1"].value == "Kỳ" and service["A1"].font.b
    plan = [[c.value for c in row] for row in book["Kế hoạch 23"].iter_rows(values_only=False)]
    header = plan[0]
    assert "Đến cuối năm" in header and plan[1][header.index("Đến cuối năm")] == "Đúng hướng"
    assert plan[2][header.index("Trạng thái")] == "Đã thực hiện"  # status in words beside its colour


def test_csv_text_cells_that_would_start_a_formula_get_an_apostrophe(tmp_path):
    workbook.write_csv(frame(), tmp_path / "indicators.csv")
    with open(tmp_path / "indicators.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["unit"] == "'" + PLANTED and rows[0]["owner"] == "'@SUM(1+1)"
    assert rows[1]["name"] == "'-2+3" and rows[1]["note"] == "'\t=1+1"
    assert rows[2]["change_vs_baseline"] == "-1.5"  # numbers are numbers, never touched
    assert rows[1]["unit"] == "Ninh Thạnh" and rows[1]["status_vi"] == "Đã thực hiện"
    text = [v for row in rows for v in row.values() if v]
    assert not [v for v in text if v.startswith(workbook.FORMULA_START) and v != "-1.5"]


def test_planted_formulas_in_an_export_never_become_formula_cells(tmp_path):
    """From a one-stop export through ingest, indicators and the action list to both files."""
    from analysis import collect
    from analysis.collect import plan
    from analysis.ingest import runner
    from analysis.periods import Period

    raw = tmp_path / "raw" / "one_stop"
    raw.mkdir(parents=True)
    (raw / "xuat.csv").write_text(
        "Mã hồ sơ,Đơn vị,Tên thủ tục,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Trạng thái\n"
        f'H1,Ninh Thạnh,"{PLANTED.replace(chr(34), chr(34) * 2)}",02/12/2024,24/12/2024,,4\n'
        f'H2,"{PLANTED.replace(chr(34), chr(34) * 2)}",Đăng ký khai sinh,02/12/2024,05/12/2024,04/12/2024,10\n'
        "H3,Ninh Thạnh,@SUM(1+1),20/12/2024,30/12/2024,,4\n",
        encoding="utf-8",
    )
    runner.run(tmp_path / "raw", tmp_path / "processed")
    rows = collect.all_rows(tmp_path / "processed", Period.parse("2024Q4"))
    actions = plan.action_lists(tmp_path / "processed", ["Ninh Thạnh"])
    workbook.write(rows, tmp_path / "out", actions, verdicts(rows, reference_plan.comparisons()))
    book = openpyxl.load_workbook(tmp_path / "out" / "indicators.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and not [c for c in cells if c.data_type == "f"]
    assert PLANTED in {c.value for c in book["Hồ sơ sắp trễ hạn"]["C"]}  # the procedure, kept as text
    with open(tmp_path / "out" / "indicators.csv", encoding="utf-8-sig", newline="") as handle:
        text = [v for row in csv.reader(handle) for v in row]
    assert not [v for v in text if v.startswith(("=", "+", "@", "\t", "\r"))]
