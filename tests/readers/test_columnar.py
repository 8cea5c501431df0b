"""The columnar CSV reader against Python's csv module, line for line, on the lines that do not fit the table."""

from __future__ import annotations

import csv
import io
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from analysis.readers.cells import blank_texts as _blank_texts
from analysis.readers.cells import cell_text, text_column
from analysis.readers.dates import MONTH_FIRST_FORMATS, TEXT_DATE_FORMATS, _written_back, date_order, parse_dates
from analysis.readers.files import Sheet, read_sheets

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


def test_text_column_in_arrow_gives_what_cell_text_gives_cell_by_cell():
    decomposed = unicodedata.normalize("NFD", "  Hộ tịch ")
    cells = ["HS001", " HS002\t", "", "   ", None, decomposed, "\xa0", "\x1cHS003\x1f", "Chứng thực\u3000", "HS001"]
    column = text_column(pd.Series(cells, dtype=object, index=range(10, 20)))
    assert column.tolist() == [cell_text(cell) if cell_text(cell) is not None else pd.NA for cell in cells]
    assert column[15] == "Hộ tịch" and column.index.tolist() == list(range(10, 20))
    mixed = text_column(pd.Series([*cells, 12.0], dtype=object))  # a number in the column: cell by cell
    pd.testing.assert_series_equal(mixed.iloc[:-1], column.reset_index(drop=True), check_dtype=False)


def test_blank_cells_of_a_csv_as_str_strip_says(tmp_path):
    path = tmp_path / "blank.csv"
    cells = ["a", " ", "\xa0", "\x1c", "\u3000", "b c", "\t"]
    path.write_text("h1,h2\n" + "\n".join(f"{cell},x" for cell in cells) + "\n", encoding="utf-8")
    sheet = read_sheets(path)[0]
    assert sheet.blank[0].tolist()[1:] == [not cell.strip() for cell in cells]


def test_ascii_dates_read_in_arrow_as_cell_by_cell_in_python():
    cells = ["15/03/2024 08:30", " 16/03/2024 ", "5/3/2024", "31/02/2024", "2024-03-05T10:00:00", "20240305103000",
             "45366.5", "12", "", "03.04.2024", "x"]  # fmt: skip
    dates, bad = parse_dates(pd.Series(cells, dtype=object))
    # one non-ASCII text sends the column down the Python path (each cell's kind in Python)
    python_dates, python_bad = parse_dates(pd.Series([*cells, "ngày"], dtype=object))
    pd.testing.assert_series_equal(dates, python_dates.iloc[:-1])
    pd.testing.assert_series_equal(bad, python_bad.iloc[:-1])
    assert dates[0] == pd.Timestamp("2024-03-15 08:30") and dates[2] == pd.Timestamp("2024-03-05")
    assert bad.tolist() == [False, False, False, True, False, False, False, True, False, False, True]
    assert date_order([pd.Series(cells, dtype=object)]) == date_order([pd.Series([*cells, "ngày"], dtype=object)])


@pytest.mark.parametrize("formats", [TEXT_DATE_FORMATS, MONTH_FIRST_FORMATS])
def test_no_text_is_read_by_two_date_formats(formats):
    """Formats are tried in the order that fits a sample best, so that order must not change what is read."""
    stamps = pd.Timestamp("2001-01-01") + pd.to_timedelta(np.random.default_rng(3).integers(0, 9e8, 200), unit="s")
    texts = [t for fmt in formats for t in stamps.strftime(fmt)]
    texts += [t.lstrip("0").replace("/0", "/").replace("-0", "-").replace(" 0", " ") for t in texts]
    cells = pd.Series(texts, dtype=object)
    readers = pd.DataFrame({fmt: pd.to_datetime(cells, format=fmt, errors="coerce") for fmt in formats})
    assert readers.notna().sum(axis=1).max() == 1


def test_written_back_is_the_strftime_round_trip_without_writing():
    stamps = pd.Timestamp("1999-01-01") + pd.to_timedelta(np.random.default_rng(4).integers(0, 1e9, 300), unit="s")
    odd = ["31/02/2024", "5/3/2024", "29/02/2023 10:00:00", "29/02/2024 24:00:00", "2024-13-01", "20240231101010",
           "00/01/2024", "01/02/2024x", " 01/02/2024", "", "abc", None]  # fmt: skip
    for fmt in set(TEXT_DATE_FORMATS + MONTH_FIRST_FORMATS):
        cells = pa.array([t for other in TEXT_DATE_FORMATS for t in stamps.strftime(other)] + odd, type=pa.string())
        parsed = pc.strptime(cells, format=fmt, unit="s", error_is_null=True)
        round_trip = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), cells), False)
        assert _written_back(cells, parsed, fmt).tolist() == round_trip.to_pylist(), fmt


def test_blank_texts_in_arrow_are_what_str_strip_leaves_empty_for_every_character():
    chars = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]  # surrogates are no UTF-8
    cells = [*chars, *(f" {char}\u3000" for char in chars), "", None, " \t\xa0\u2028", "a b"]
    assert _blank_texts(pa.array(cells, type=pa.string())).tolist() == [
        cell is None or not cell.strip() for cell in cells
    ]
