"""The columnar CSV reader against Python's csv module, line for line, on the lines that do not fit the table."""

from __future__ import annotations

import csv
import io

import pandas as pd

from analysis.ingest.tables import Sheet, parse_dates, read_sheets

LINES = [
    "DANH SÁCH HỒ SƠ QUÝ 1",  # title: one field
    "",  # blank line
    "Mã hồ sơ;Tên thủ tục;Ngày tiếp nhận;Ghi chú",
    'H1;"Chứng thực; bản sao";15/03/2024;"dòng một\ndòng hai"',  # delimiter and line break inside quotes
    "H2;;16/03/2024;",
    "H3;Khai sinh;17/03/2024;x;thừa một ô",  # one field too many
    "   ;  ;;",  # spaces only
    "Tổng cộng: 3",  # footer: one field
    "",
]


def test_csv_reader_matches_python_csv_including_odd_lines(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\r\n".join(LINES), encoding="utf-8-sig")
    expected = [
        [cell or None for cell in row] for row in csv.reader(io.StringIO("\n".join(LINES), newline=""), delimiter=";")
    ]
    width = max(len(row) for row in expected)
    sheet = read_sheets(path)[0]
    assert sheet.rows == [row + [None] * (width - len(row)) for row in expected]
    assert sheet.rows[3][3] == "dòng một\ndòng hai" and sheet.rows[5][4] == "thừa một ô"
    blank_rows = sheet.blank.all(axis=1).tolist()
    assert blank_rows == [not any(cell and cell.strip() for cell in row) for row in expected]


def test_sheet_from_rows_pads_short_rows_and_gives_them_back():
    sheet = Sheet(None, "S", [["a"], ["b", 2.0, None], []])
    assert sheet.rows == [["a", None, None], ["b", 2.0, None], [None, None, None]]
    assert sheet.head(1) == [["a", None, None]]
    assert sheet.blank.to_numpy().tolist() == [[False, True, True], [False, False, True], [True, True, True]]


def test_dates_read_once_per_distinct_cell_give_the_same_as_cell_by_cell():
    cells = pd.Series(
        ["15/03/2024 08:30", None, "15/03/2024 08:30", "31/02/2024", True, 1.0, 45366.5, "", "15/03/2024 08:30"],
        dtype=object,
    )
    dates, bad = parse_dates(cells)
    one_by_one = [parse_dates(pd.Series([cell], dtype=object)) for cell in cells]
    pd.testing.assert_series_equal(dates, pd.Series([d.iloc[0] for d, _ in one_by_one], dtype="datetime64[us]"))
    assert bad.tolist() == [bool(b.iloc[0]) for _, b in one_by_one]
