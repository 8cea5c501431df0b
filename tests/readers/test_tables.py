"""The generic readers of src/analysis/readers/ on files built here, in every shape analysts send."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date, datetime, time

import openpyxl
import pandas as pd
import pytest
import xlwt

from analysis.errors import IngestError
from analysis.readers.cells import coded_values, map_distinct, parse_flags, text_column
from analysis.readers.dates import parse_dates
from analysis.readers.files import Sheet, guess_delimiter, list_files, read_sheets, sha256
from analysis.readers.headers import PERSONAL, AliasTable, find_header, is_column_numbering, locate_table, locate_tables
from analysis.readers.records import is_footer, records_under

ALIASES_CSV = """# test aliases: field,alias
field,alias
dossier_id,Mã hồ sơ
dossier_id,MaHoSo
received_at,Ngày tiếp nhận
received_at,NgayTiepNhan
status,Trạng thái
procedure_name,Tên thủ tục
personal,Họ tên
personal,Số điện thoại
"""


@pytest.fixture
def aliases(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text(ALIASES_CSV, encoding="utf-8")
    return AliasTable.from_csv(path)


def write_xlsx(path, sheets: dict[str, list[list[object]]]):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


# ---------------------------------------------------------------- files


def test_list_files_recurses_sorts_and_skips_lock_hidden_and_other_types(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ["b.xlsx", "sub/a.csv", "~$b.xlsx", ".hidden.csv", "notes.pdf", "c.TXT"]:
        (tmp_path / name).write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in list_files(tmp_path)] == ["b.xlsx", "c.TXT", "sub/a.csv"]
    assert list_files(tmp_path / "missing") == []


def test_sha256_matches_hashlib_on_the_whole_file(tmp_path):
    data = bytes(range(256)) * 5000  # > 1 MiB block size: several blocks
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert sha256(path) == hashlib.sha256(data).hexdigest()


def test_xlsx_every_sheet_with_datetimes_and_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        {"Tổng hợp": [["Tổng", 3]], "Chi tiết": [["Mã hồ sơ", "Ngày"], ["H1", datetime(2024, 3, 15, 8, 30)]]},
    )
    sheets = read_sheets(path)
    assert [s.name for s in sheets] == ["Tổng hợp", "Chi tiết"]
    assert sheets[1].rows[1][1] == datetime(2024, 3, 15, 8, 30)
    assert sheets[0].rows[0][1] == 3


def test_xls_is_read_with_its_dates(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("DS")
    sheet.write(0, 0, "Mã hồ sơ")
    sheet.write(0, 1, "Ngày tiếp nhận")
    sheet.write(1, 0, "H1")
    sheet.write(1, 1, datetime(2024, 1, 2, 7, 45), xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM"))
    book.save(str(tmp_path / "old.xls"))
    rows = read_sheets(tmp_path / "old.xls")[0].rows
    assert rows[0] == ["Mã hồ sơ", "Ngày tiếp nhận"]
    dates, bad = parse_dates(pd.Series([rows[1][1]], dtype=object))
    assert dates[0] == pd.Timestamp("2024-01-02 07:45") and not bad[0]


@pytest.mark.parametrize(
    "encoding, delimiter, suffix",
    [
        ("utf-8", ",", ".csv"),
        ("utf-8-sig", ",", ".csv"),
        ("utf-8", ";", ".csv"),
        ("utf-16", "\t", ".txt"),
        ("utf-16-le", "\t", ".txt"),
    ],
)
def test_text_files_in_every_encoding_and_delimiter(tmp_path, encoding, delimiter, suffix):
    lines = [
        ["Mã hồ sơ", "Tên thủ tục", "Ngày tiếp nhận"],
        ["H1", "Chứng thực bản sao, chữ ký", "15/03/2024"],
        ["H2", "", "16/03/2024"],
    ]
    text = "\r\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in line) for line in lines)
    path = tmp_path / f"export{suffix}"
    path.write_bytes(text.encode(encoding))
    rows = read_sheets(path)[0].rows
    assert rows == [lines[0], lines[1], ["H2", None, "16/03/2024"]]  # empty cell -> None, no BOM in the header


def test_delimiter_ignores_quoted_commas_and_a_title_line():
    assert guess_delimiter('Mã;Tên\nH1;"a, b, c, d"\nH2;"e, f, g"') == ";"
    assert guess_delimiter("DANH SÁCH, quý 1, năm 2024, xuất lúc 8:00\nMã;Ngày\nH1;x\nH2;y") == ";"
    assert guess_delimiter("Mã\tTên\tNgày\nH1\ta;b\tx") == "\t"


def test_text_that_is_not_utf_is_refused_by_name(tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes("Mã,Ngày\n".encode("latin-1"))  # an ANSI export: 0xE3 alone is not UTF-8
    with pytest.raises(IngestError, match=r"^ansi\.csv: not UTF-8 or UTF-16"):
        read_sheets(path)


def test_unusable_files_name_the_file(tmp_path, aliases):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "corrupt.xlsx").write_bytes(b"this is not a zip file at all" * 10)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF")
    with pytest.raises(IngestError, match=r"^empty\.xlsx: the file is empty"):
        read_sheets(tmp_path / "empty.xlsx")
    with pytest.raises(IngestError, match=r"^corrupt\.xlsx: cannot be read as a spreadsheet"):
        read_sheets(tmp_path / "corrupt.xlsx")
    with pytest.raises(IngestError, match=r"^scan\.pdf: unsupported file type"):
        read_sheets(tmp_path / "scan.pdf")
    # through locate_table, the label (path under the raw folder) replaces the bare name
    with pytest.raises(IngestError, match=r"^one_stop/p1/corrupt\.xlsx: cannot be read"):
        locate_table(tmp_path / "corrupt.xlsx", aliases, ["dossier_id"], label="one_stop/p1/corrupt.xlsx")


# ---------------------------------------------------------------- aliases and header


def test_alias_matching_ignores_case_accents_spaces_line_breaks_and_punctuation(aliases):
    assert aliases.field_for("MÃ HỒ SƠ") == "dossier_id"
    assert aliases.field_for("Mã\nhồ  sơ:") == "dossier_id"
    assert aliases.field_for(unicodedata.normalize("NFD", "Ngày tiếp nhận")) == "received_at"
    assert aliases.field_for("ma ho so") == "dossier_id"
    assert aliases.field_for("Ngày hẹn trả") is None
    assert aliases.field_for(None) is None
    assert aliases.describe("received_at") == "received_at ('Ngày tiếp nhận', 'NgayTiepNhan')"


def test_one_alias_for_two_fields_is_refused(tmp_path):
    path = tmp_path / "bad_aliases.csv"
    path.write_text("field,alias\ndossier_id,Số hồ sơ\nprocedure_code,so ho so\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"bad_aliases\.csv: alias 'so ho so' is given for both"):
        AliasTable.from_csv(path)


def test_header_found_under_title_rows_and_the_fullest_row_wins(aliases):
    rows = [
        ["UBND PHƯỜNG NINH THẠNH", None],
        [None, None],
        ["DANH SÁCH HỒ SƠ", None],
        ["Mã hồ sơ", "Ghi chú"],  # qualifies (has the id) but names one field only
        ["Mã hồ sơ", "Ngày tiếp nhận", "Họ tên", "Cột lạ"],
        ["H1", "x", "Nguyễn Văn A001", "?"],
    ]
    header = find_header(Sheet(None, "S", rows), aliases, ["dossier_id"])
    assert header.row == 4
    assert header.columns == {0: "dossier_id", 1: "received_at", 2: PERSONAL}
    assert header.unknown == ["Cột lạ"]
    assert find_header(Sheet(None, "S", rows), aliases, ["status"]) is None


def test_header_on_another_sheet_than_the_first(tmp_path, aliases):
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {
            "Tổng hợp": [["Trạng thái", "Số hồ sơ"], ["Đã trả", 10]],
            "Danh sách": [["Báo cáo"], ["Mã hồ sơ", "Ngày tiếp nhận", "Trạng thái"], ["H1", "01/02/2024", "Đã trả"]],
        },
    )
    sheet, header = locate_table(path, aliases, ["dossier_id", "received_at"])
    assert sheet.name == "Danh sách" and header.row == 1


def test_single_table_sources_refuse_records_on_several_sheets_naming_them(tmp_path, aliases):
    header = ["Mã hồ sơ", "Ngày tiếp nhận"]
    path = write_xlsx(
        tmp_path / "months.xlsx", {"T1": [header, ["H1", "01/01/2024"]], "T2": [header, ["H2", "01/02/2024"]]}
    )
    assert [sheet.name for sheet, _ in locate_tables(path, aliases, ["dossier_id"])] == ["T1", "T2"]
    with pytest.raises(IngestError, match=r"^months\.xlsx: records on several sheets \('T1', 'T2'\)"):
        locate_table(path, aliases, ["dossier_id"])


def test_missing_required_column_and_no_header_are_explained(tmp_path, aliases):
    partial = write_xlsx(
        tmp_path / "partial.xlsx", {"DS": [["Mã hồ sơ", "Tên thủ tục", "Trạng thái"], ["H1", "x", "y"]]}
    )
    with pytest.raises(IngestError) as missing:
        locate_table(partial, aliases, ["dossier_id", "received_at"])
    assert str(missing.value) == (
        "partial.xlsx (sheet 'DS'): required column(s) missing: received_at ('Ngày tiếp nhận', 'NgayTiepNhan')"
    )
    nothing = write_xlsx(tmp_path / "other.xlsx", {"S": [["Cột A", "Cột B"], [1, 2]]})
    with pytest.raises(IngestError, match=r"^other\.xlsx: no recognisable header row in the first 40 rows"):
        locate_table(nothing, aliases, ["dossier_id"])
    blank = write_xlsx(tmp_path / "blank.xlsx", {"S": [[None, None], ["", "  "]]})
    with pytest.raises(IngestError, match=r"^blank\.xlsx: the file has no data"):
        locate_table(blank, aliases, ["dossier_id"])


# ---------------------------------------------------------------- records


@pytest.mark.parametrize(
    "text",
    [
        "Tổng cộng",
        "TỔNG CỘNG: 1.234 hồ sơ",
        "Tổng số hồ sơ: 25",
        "Cộng",
        "Cộng: 12",
        "Người lập biểu",
        "NGƯỜI LẬP",
        "Thủ trưởng đơn vị",
        "Ghi chú: số liệu tạm",
        "(Ký, ghi rõ họ tên)",
        "KT. CHỦ TỊCH",
        "TM. ỦY BAN NHÂN DÂN",
        "Phó Chủ tịch",
        "Ninh Thạnh, ngày 05 tháng 4 năm 2024",
        "Ngày ... tháng ... năm 2024",
        "Tong cong",
        "Giám đốc",
    ],
)
def test_footer_lines(text):
    assert is_footer([None, "", text, 5])


@pytest.mark.parametrize(
    "text",
    [
        "Công chứng hợp đồng",
        "Xác nhận tình trạng hôn nhân",
        "Cấp bản sao trích lục",
        "Kỳ họp",
        "Chứng thực chữ ký",
        "Đăng ký khai sinh",
        "H15.50.05-240101-0001",
    ],
)
def test_records_are_not_footers(text):
    assert not is_footer([text, "x"])
    assert not is_footer([1.0, "Tổng cộng"])  # first non-empty cell is a number (STT): a record


def test_column_numbering_row():
    assert is_column_numbering(["(1)", "(2)", None, "(3)", "(4)"])
    assert is_column_numbering([1.0, 2.0, 3.0, 4.0])
    assert not is_column_numbering([1.0, 2.0])  # too short to be sure
    assert not is_column_numbering([1.0, "H1", 3.0])
    assert not is_column_numbering([3.0, 2.0, 1.0])


def test_records_under_numbers_rows_as_excel_and_skips_non_records(aliases):
    rows = [
        ["DANH SÁCH HỒ SƠ", None, None, None],  # Excel row 1
        ["STT", "Mã hồ sơ", "Ngày tiếp nhận", "Họ tên"],  # 2: header
        ["(1)", "(2)", "(3)", "(4)"],  # 3: column numbers
        [1.0, "H1", "01/02/2024", "Nguyễn Văn A001"],  # 4
        [None, None, "", "   "],  # 5: blank
        [2.0, "H2", "02/02/2024", "Trần Thị B002"],  # 6
        ["Cộng: 2", None, None, None],  # 7: subtotal
        [3.0, "H3", "03/02/2024", "Lê Văn C003"],  # 8: dense again -> data
        ["Tổng cộng", None, None, 3],  # 9
        ["Người lập biểu", None, "Thủ trưởng", None],  # 10
        [None, "Nguyễn Văn Ký", None, None],  # 11: signature name, sparse
    ]
    sheet = Sheet(None, "S", rows)
    header = find_header(sheet, aliases, ["dossier_id"])
    records = records_under(sheet, header)
    assert records.frame["dossier_id"].tolist() == ["H1", "H2", "H3"]
    assert records.frame["source_row"].tolist() == [4, 6, 8]
    assert records.lines_skipped == 5 and records.blank_lines == 1  # rows 3, 7, 9, 10, 11; blank row 5
    assert [(line["row"], line["kind"]) for line in records.skipped] == [
        (3, "dòng đánh số cột"),
        (7, "dòng tổng cộng / ký tên"),
        (9, "dòng tổng cộng / ký tên"),
        (10, "dòng tổng cộng / ký tên"),
        (11, "dòng sau cuối bảng"),
    ]
    assert "Nguyễn Văn Ký" not in str(records.skipped)  # a signer's name is shown masked
    assert PERSONAL not in records.frame.columns
    assert "Nguyễn Văn A001" not in records.frame.to_string()
    with_personal = records_under(sheet, header, keep_personal=True)
    assert with_personal.frame[PERSONAL].tolist() == ["Nguyễn Văn A001", "Trần Thị B002", "Lê Văn C003"]


def test_two_headers_for_one_field_keep_the_first_non_empty_cell(aliases):
    rows = [["Mã hồ sơ", "MaHoSo", "Ngày tiếp nhận"], ["H1", "X1", "d"], ["", "X2", "d"], [None, None, "d"]]
    sheet = Sheet(None, "S", rows)
    frame = records_under(sheet, find_header(sheet, aliases, ["dossier_id"])).frame
    assert frame["dossier_id"].tolist() == ["H1", "X2", None]


# ---------------------------------------------------------------- values


def test_text_column_nfc_integers_and_blanks():
    nfd = unicodedata.normalize("NFD", "Hộ tịch")
    values = pd.Series([nfd, 12.0, 1.5, None, "", "  ", float("nan"), pd.NA, " a "], dtype=object)
    result = text_column(values)
    assert str(result.dtype) == "string"
    assert result.tolist()[:3] == ["Hộ tịch", "12", "1.5"]
    assert result[0] == unicodedata.normalize("NFC", "Hộ tịch")
    assert result[3:8].isna().all()
    assert result[8] == "a"


def test_parse_dates_every_shape():
    cells = pd.Series(
        [
            datetime(2024, 3, 15, 8, 30),  # Excel datetime cell
            date(2024, 3, 15),  # Excel date cell
            45366.354166666664,  # serial: 45366 days after 1899-12-30 = 2024-03-15, .3541666 * 24 h = 08:30
            "45366",  # serial written as text
            "15/03/2024",
            "15/03/2024 08:30",
            "15/03/2024 08:30:15",
            "5/3/2024 7:05",
            "2024-03-15",
            "2024-03-15T08:30:00",
            "2024-03-15 08:30:00",
            "20240315083000",  # yyyyMMddHHmmss as text
            20240315083000.0,  # ... and as a number
            pd.Timestamp("2024-03-15 08:30"),
        ],
        dtype=object,
    )
    dates, bad = parse_dates(cells)
    expected = [
        "2024-03-15 08:30",
        "2024-03-15",
        "2024-03-15 08:30",
        "2024-03-15",
        "2024-03-15",
        "2024-03-15 08:30",
        "2024-03-15 08:30:15",
        "2024-03-05 07:05",
        "2024-03-15",
        "2024-03-15 08:30",
        "2024-03-15 08:30",
        "2024-03-15 08:30",
        "2024-03-15 08:30",
        "2024-03-15 08:30",
    ]
    assert dates.tolist() == [pd.Timestamp(e) for e in expected]
    assert str(dates.dtype) == "datetime64[us]"
    assert not bad.any()


def test_parse_dates_blank_is_missing_and_unreadable_is_bad():
    cells = pd.Series(
        [None, "", "  ", pd.NA, float("nan"), "31/02/2024", "abc", 12.0, "15/13/2024", True, time(8, 30), "2024-03-15"],
        dtype=object,
    )
    dates, bad = parse_dates(cells)
    assert bad.tolist() == [False] * 5 + [True] * 6 + [False]
    assert dates[:11].isna().all() and dates[11] == pd.Timestamp("2024-03-15")


def test_map_distinct_calls_once_per_distinct_value_and_once_for_blanks():
    calls = []

    def shout(cell):
        calls.append(cell)
        return None if cell is None else str(cell).upper()

    result = map_distinct(pd.Series(["a", "b", "a", None, float("nan"), "a"], dtype=object), shout, "string")
    assert result.tolist()[:3] == ["A", "B", "A"] and result[3:5].isna().all()
    assert sorted(calls, key=str) == sorted(["a", "b", None], key=str)  # 3 calls for 6 cells


def test_parse_flags_yes_no_and_extra_codes():
    cells = pd.Series(
        ["Có", "có", "CÓ", "x", "X", 1.0, "1", True, "Không", "không", "0", 0.0, None, "", "Đã", "?z"], dtype=object
    )
    flags, bad = parse_flags(cells)
    assert flags.tolist()[:15] == [True] * 8 + [False] * 6 + [True]
    assert bad.tolist() == [False] * 15 + [True]
    assert flags.isna().tolist()[-1]
    paid, bad = parse_flags(pd.Series(["2", "1", "3"], dtype=object), extra_true=["2"], extra_false=["3"])
    assert paid.tolist() == [True, True, False] and not bad.any()


def test_coded_values_fold_keys_and_flag_unknown():
    mapping = {"Trực tiếp": "direct", "1": "direct", "Trực tuyến": "online", "2": "online"}
    cells = pd.Series(["TRỰC TIẾP", 2.0, "truc tuyen", None, "Qua Zalo"], dtype=object)
    mapped, bad = coded_values(cells, mapping)
    assert mapped.tolist()[:3] == ["direct", "online", "online"]
    assert pd.isna(mapped[3]) and pd.isna(mapped[4])
    assert bad.tolist() == [False, False, False, False, True]
