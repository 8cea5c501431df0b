"""One-stop ingest on messy exports built here: every shape, spelling, value and failure of issue 2 §3."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwt

from analysis import store
from analysis.errors import IngestError, ReferenceFileError
from analysis.ingest import one_stop, runner
from analysis.ingest.one_stop_values import Vocabulary
from analysis.readers.scrub import unknown_value
from analysis.reference import units

T = pd.Timestamp
HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Lĩnh vực",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày trả kết quả",
    "Trạng thái",
    "Hình thức nộp",
    "Chủ hồ sơ",
    "Số điện thoại",
    "Phiếu xin lỗi",
]
FAKE_NAME, FAKE_PHONE, FAKE_CCCD = "Nguyễn Văn A001", "0900000001", "000000000001"


def raw_dir(tmp_path: Path) -> Path:
    return tmp_path / "raw"


def xlsx(tmp_path: Path, name: str, sheets: dict[str, list[list[object]]] | list[list[object]]) -> Path:
    path = raw_dir(tmp_path) / "one_stop" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet_name, rows in (sheets if isinstance(sheets, dict) else {"Sheet1": sheets}).items():
        sheet = book.create_sheet(sheet_name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def text_file(tmp_path: Path, name: str, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8"):
    path = raw_dir(tmp_path) / "one_stop" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\r\n".join(delimiter.join(row) for row in rows).encode(encoding))
    return path


def ingest(tmp_path: Path):
    result = one_stop.ingest(raw_dir(tmp_path))
    for account in result.files:
        account.check()
    return result


def titled(unit_line: str, rows: list[list[object]]) -> list[list[object]]:
    """A printed export: unit, title and date range above the header, totals and signatures below."""
    return [
        [unit_line],
        ["DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT"],
        ["Từ ngày 01/01/2024 đến ngày 31/03/2024"],
        [],
        HEADER,
        *rows,
        [],
        ["Tổng cộng", None, len(rows)],
        [None, "Người lập biểu", None, None, "Thủ trưởng đơn vị"],
        [None, "Trần Thị Lập Biểu"],
    ]


# ---------------------------------------------------------------- shapes of files


def test_no_export_gives_none(tmp_path):
    assert one_stop.ingest(tmp_path) is None
    (tmp_path / "one_stop").mkdir()
    assert one_stop.ingest(tmp_path) is None


def test_printed_xlsx_title_rows_footer_and_signatures(tmp_path):
    xlsx(
        tmp_path,
        "q1.xlsx",
        titled(
            "UBND PHƯỜNG NINH THẠNH",
            [
                [
                    1,
                    "H1",
                    "Chứng thực bản sao từ bản chính",
                    "Chứng thực",
                    datetime(2024, 1, 2, 8, 15),
                    datetime(2024, 1, 2, 16),
                    datetime(2024, 1, 2, 15, 30),
                    "Đã trả kết quả",
                    "Trực tiếp",
                    FAKE_NAME,
                    FAKE_PHONE,
                    None,
                ],
                [
                    2,
                    "H2",
                    "Đăng ký khai sinh",
                    "Hộ tịch",
                    datetime(2024, 1, 3, 9),
                    datetime(2024, 1, 3, 17),
                    None,
                    "Đang xử lý",
                    "Trực tuyến",
                    "Lê Thị B002",
                    "0900000002",
                    "Có",
                ],
            ],
        ),
    )
    result = ingest(tmp_path)
    (account,) = result.files
    # rows 1-4 title/blank, 5 header, 6-7 data, 8 blank, 9 total, 10 signatures, 11 signer's name
    # rows read = 2 dossiers + 3 skipped lines (9-11); the blank line 8 is counted apart
    assert (account.header_row, account.rows_read, account.rows_ingested, account.lines_skipped) == (5, 5, 2, 3)
    assert account.blank_lines == 1
    assert [line["row"] for line in account.skipped_lines] == [9, 10, 11]
    assert account.file == "one_stop/q1.xlsx" and not account.demo
    assert any("dòng tiêu đề" in note and "Ninh Thạnh" in note for note in account.notes)
    table = result.table
    assert table["dossier_id"].tolist() == ["H1", "H2"]
    assert table["unit"].tolist() == ["Ninh Thạnh", "Ninh Thạnh"]
    assert table["received_at"].tolist() == [T("2024-01-02 08:15"), T("2024-01-03 09:00")]
    assert table["returned_at"].isna().tolist() == [False, True]
    assert table["status_code"].tolist() == [10, 4]
    assert table["channel"].tolist() == ["direct", "online"]
    assert table["apology_issued"].tolist() == [False, True]  # blank cell in an existing column = False
    assert table["paid_online"].isna().all()  # no such column: NA, "no data" downstream
    assert table["source_row"].tolist() == [6, 7] and table["source_file"].tolist() == ["one_stop/q1.xlsx"] * 2
    assert list(table.columns) == list(one_stop.COLUMNS)
    assert {c: str(t) for c, t in table.dtypes.items()} == one_stop.COLUMNS


def test_xls_with_excel_dates(tmp_path):
    path = raw_dir(tmp_path) / "one_stop" / "cu.xls"
    path.parent.mkdir(parents=True)
    book = xlwt.Workbook()
    sheet = book.add_sheet("DS")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM")
    for col, text in enumerate(["Mã hồ sơ", "Đơn vị", "Ngày tiếp nhận", "Trạng thái"]):
        sheet.write(0, col, text)
    sheet.write(1, 0, "X1")
    sheet.write(1, 1, "UBND xã Tân Bình")
    sheet.write(1, 2, datetime(2023, 11, 30, 14, 5), date_style)
    sheet.write(1, 3, 9)
    book.save(str(path))
    table = ingest(tmp_path).table
    assert table.iloc[0][["dossier_id", "unit", "received_at", "status_code"]].tolist() == [
        "X1",
        "Tân Bình",
        T("2023-11-30 14:05"),
        9,
    ]


SYNC_ROWS = [
    [
        "MaHoSo",
        "TenDonVi",
        "MaTTHC",
        "TenTTHC",
        "KenhThucHien",
        "NgayTiepNhan",
        "NgayHenTra",
        "NgayTra",
        "TrangThaiHoSo",
        "DuocThanhToanTrucTuyen",
        "ChuHoSo",
        "SoDienThoai",
    ],
    [
        "S1",
        "Phường 01",
        "1.001234",
        "Chứng thực chữ ký",
        "2",
        "20240105081500",
        "20240105170000",
        "20240105160000",
        "10",
        "1",
        FAKE_NAME,
        FAKE_PHONE,
    ],
    [
        "S2",
        "Phường 4",
        "2.000908",
        "Đăng ký kết hôn",
        "3",
        "20240106090000",
        "20240111170000",
        "",
        "4",
        "",
        "Lê Thị B002",
        "0900000002",
    ],
]


@pytest.mark.parametrize(
    "name, delimiter, encoding",
    [
        ("a.csv", ",", "utf-8"),
        ("b.csv", ",", "utf-8-sig"),
        ("c.csv", ";", "utf-8"),
        ("d.txt", "\t", "utf-16"),
        ("e.csv", ";", "utf-8-sig"),
    ],
)
def test_text_exports_every_encoding_and_delimiter(tmp_path, name, delimiter, encoding):
    text_file(tmp_path, name, SYNC_ROWS, delimiter, encoding)
    table = ingest(tmp_path).table
    assert table["dossier_id"].tolist() == ["S1", "S2"]
    assert table["unit"].tolist() == ["Phường 1", "Phường IV"]
    assert table["procedure_code"].tolist() == ["1.001234", "2.000908"]
    assert table["channel"].tolist() == ["online", "post"]
    assert table["received_at"].tolist() == [T("2024-01-05 08:15"), T("2024-01-06 09:00")]
    assert table["due_at"].tolist() == [T("2024-01-05 17:00"), T("2024-01-11 17:00")]
    assert table["status_code"].tolist() == [10, 4]
    assert table["paid_online"].tolist() == [True, False]


def test_header_on_the_second_sheet(tmp_path):
    xlsx(
        tmp_path,
        "hai-trang.xlsx",
        {
            "Tổng hợp": [["Lĩnh vực", "Số hồ sơ tiếp nhận", "Trạng thái"], ["Hộ tịch", 12, "x"]],
            "Chi tiết": [
                ["Đơn vị: phường Ninh Sơn"],
                ["Mã hồ sơ", "Ngày tiếp nhận", "Lĩnh vực"],
                ["N1", "02/01/2024", "Hộ tịch"],
            ],
        },
    )
    result = ingest(tmp_path)
    assert result.files[0].sheet == "Chi tiết" and result.files[0].header_row == 2
    assert result.table[["dossier_id", "unit"]].values.tolist() == [["N1", "Ninh Sơn"]]


def test_an_export_split_by_month_over_sheets_is_read_whole(tmp_path):
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Đơn vị"]
    xlsx(
        tmp_path,
        "theo-thang.xlsx",
        {
            "Tháng 1": [header, ["J1", "02/01/2024", "Ninh Sơn"], ["J2", "03/01/2024", "Ninh Sơn"]],
            "Tháng 2": [
                ["Danh sách tháng 2"],
                header,
                ["F1", "01/02/2024", "Ninh Sơn"],
                ["F2", "31/02/2024", "Ninh Sơn"],
            ],
        },
    )
    result = ingest(tmp_path)
    account = result.files[0]
    # 2 + 2 rows read; F2's impossible date quarantined with its sheet and row (row 4 of "Tháng 2")
    assert (account.rows_read, account.rows_ingested, account.rows_quarantined) == (4, 3, 1)
    assert account.sheet == "Tháng 1, Tháng 2"
    assert sorted(result.table["dossier_id"]) == ["F1", "J1", "J2"]
    assert result.quarantine[["sheet", "row"]].values.tolist() == [["Tháng 2", 4]]


# ---------------------------------------------------------------- column spellings

SPELLINGS = {
    # field: (default spelling, another spelling of issue 2 §3, a third/sync one, a mangled one)
    "dossier_id": ("Mã hồ sơ", "Số hồ sơ", "MaHoSo", "MÃ HỒ\nSƠ"),
    "procedure_name": ("Tên thủ tục", "Tên thủ tục hành chính", "TenTTHC", "TÊN TTHC"),
    "procedure_code": ("Mã TTHC", "Mã thủ tục", "MaTTHC", "ma  tthc"),
    "field": ("Lĩnh vực", "Tên lĩnh vực", "TenLinhVuc", "LĨNH\r\nVỰC"),
    "unit": ("Đơn vị", "Cơ quan tiếp nhận", "DonVi", "Đơn vị tiếp nhận:"),
    "channel": ("Hình thức nộp", "Kênh nộp", "KenhThucHien", "HÌNH THỨC TIẾP NHẬN"),
    "received_at": ("Ngày tiếp nhận", "Ngày nhận hồ sơ", "NgayTiepNhan", "ngay tiep nhan"),
    "due_at": ("Ngày hẹn trả", "Hạn xử lý", "NgayHenTra", "Ngày hẹn trả\nkết quả"),
    "finished_at": ("Ngày kết thúc xử lý", "Ngày có kết quả", "NgayKetThucXuLy", "NGÀY HOÀN THÀNH"),
    "returned_at": ("Ngày trả kết quả", "Ngày trả", "NgayTra", "Ngày trả\nkết quả"),
    "status": ("Trạng thái", "Tình trạng", "TrangThaiHoSo", "TRẠNG THÁI"),
    "paid_online": (
        "Thanh toán trực tuyến",
        "DuocThanhToanTrucTuyen",
        "DuocThanhToanTrucTuyen",
        "thanh toán\ntrực tuyến",
    ),
    "apology_issued": ("Phiếu xin lỗi", "PhieuXinLoi", "PhieuXinLoi", "PHIẾU XIN LỖI"),
    "personal": ("Chủ hồ sơ", "Số CCCD", "SoDinhDanh", "Số điện\nthoại"),
}
ROW = {
    "dossier_id": "H9",
    "procedure_name": "Đăng ký khai tử",
    "procedure_code": "1.000656",
    "field": "Hộ tịch",
    "unit": "Phường 3",
    "channel": "Trực tuyến",
    "received_at": "04/03/2024 10:20",
    "due_at": "05/03/2024",
    "finished_at": "05/03/2024 09:00",
    "returned_at": "05/03/2024 10:00",
    "status": "Đã trả kết quả",
    "paid_online": "x",
    "apology_issued": "Không",
    "personal": FAKE_CCCD,
}


@pytest.mark.parametrize("variant", range(4))
def test_every_alias_group_in_every_spelling(tmp_path, variant):
    headers = [spellings[variant] for spellings in SPELLINGS.values()]
    if variant == 3:
        headers = [unicodedata.normalize("NFD", h) for h in headers]  # decomposed accents, as some exports write
    xlsx(tmp_path, "x.xlsx", [headers, list(ROW.values())])
    result = ingest(tmp_path)
    assert list(result.files[0].columns.values()) == list(SPELLINGS)
    row = result.table.iloc[0]
    assert row[["dossier_id", "procedure_name", "procedure_code", "field", "unit", "channel"]].tolist() == [
        "H9",
        "Đăng ký khai tử",
        "1.000656",
        "Hộ tịch",
        "Phường 3",
        "online",
    ]
    assert row[["received_at", "due_at", "finished_at", "returned_at"]].tolist() == [
        T("2024-03-04 10:20"),
        T("2024-03-05"),
        T("2024-03-05 09:00"),
        T("2024-03-05 10:00"),
    ]
    assert (row["status_code"], row["paid_online"], row["apology_issued"]) == (10, True, False)
    assert FAKE_CCCD not in result.table.to_string()


def test_unknown_columns_are_listed_and_not_read(tmp_path):
    xlsx(
        tmp_path,
        "ninh-thanh/x.xlsx",
        [
            ["Mã hồ sơ", "Ngày tiếp nhận", "Ghi chú", "Người xử lý"],
            ["H1", "01/02/2024", "gọi " + FAKE_PHONE, "Cán bộ Z"],
        ],
    )
    result = ingest(tmp_path)
    assert result.files[0].unknown_columns == ["Ghi chú", "Người xử lý"]
    assert FAKE_PHONE not in result.table.to_string()


# ---------------------------------------------------------------- values


def one_column(tmp_path, header: str, cells: list[object]) -> pd.DataFrame:
    """A file of one dossier per cell, with ``header`` as the column under test."""
    rows = [["Mã hồ sơ", "Ngày tiếp nhận", "Đơn vị", header]]
    rows += [[f"H{i}", "01/02/2024", "Ninh Thạnh", cell] for i, cell in enumerate(cells)]
    xlsx(tmp_path, "v.xlsx", rows)
    return ingest(tmp_path).table


def test_channel_as_text_and_codes(tmp_path):
    table = one_column(
        tmp_path,
        "Kênh nộp",
        ["Trực tiếp", "Trực tuyến", "Qua dịch vụ bưu chính công ích", "Nộp trực tuyến mức độ 4", 1, 2, 3, "3", None],
    )
    assert table["channel"].tolist()[:8] == ["direct", "online", "post", "online", "direct", "online", "post", "post"]
    assert pd.isna(table["channel"].iloc[8])


def test_status_as_names_and_codes(tmp_path):
    names = [
        "Mới đăng ký",
        "Được tiếp nhận",
        "Không được tiếp nhận",
        "Đang xử lý",
        "Yêu cầu bổ sung giấy tờ",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Công dân yêu cầu rút hồ sơ",
        "Dừng xử lý",
        "Đã xử lý xong",
        "Đã trả kết quả",
    ]
    table = one_column(tmp_path, "Trạng thái", [*names, *range(1, 11), "ĐÃ TRẢ KẾT QUẢ", "10", None])
    assert table["status_code"].tolist()[:22] == [*range(1, 11), *range(1, 11), 10, 10]
    assert pd.isna(table["status_code"].iloc[22])
    assert str(table["status_code"].dtype) == "Int8"


def test_yes_no_values(tmp_path):
    table = one_column(tmp_path, "Phiếu xin lỗi", ["Có", "có", "x", 1, "1", "Không", "không", 0, None, "Đã lập"])
    assert table["apology_issued"].tolist() == [True] * 5 + [False] * 4 + [True]


def test_payment_code_two_is_the_local_gateway(tmp_path):
    table = one_column(tmp_path, "DuocThanhToanTrucTuyen", [1, 2, 0, None])
    assert table["paid_online"].tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    "cell",
    [
        datetime(2024, 2, 1, 7, 30),
        45323.3125,
        "45323.3125",
        "01/02/2024 07:30",
        "01/02/2024 07:30:00",
        "2024-02-01 07:30:00",
        "2024-02-01T07:30:00",
        "20240201073000",
    ],
)
def test_each_date_shape(tmp_path, cell):
    # 45323 days after 1899-12-30 is 2024-02-01; 0.3125 day = 7.5 h = 07:30
    table = one_column(tmp_path, "Ngày hẹn trả", [cell])
    assert table["due_at"].tolist() == [T("2024-02-01 07:30")]


def test_date_without_time(tmp_path):
    table = one_column(tmp_path, "Ngày hẹn trả", ["01/02/2024", "2024-02-01"])
    assert table["due_at"].tolist() == [T("2024-02-01")] * 2


def test_decomposed_text_becomes_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "Chứng thực")
    table = one_column(tmp_path, "Lĩnh vực", [nfd, "Chứng thực"])
    assert table["field"].tolist() == ["Chứng thực", "Chứng thực"]
    assert table["field"].nunique() == 1 and unicodedata.is_normalized("NFC", table["field"].iloc[0])


def test_extra_columns_where_the_export_has_them(tmp_path):
    rows = [
        [
            "MaHoSo",
            "NgayTiepNhan",
            "DonVi",
            "Số lần yêu cầu bổ sung",
            "HoSoCoThanhPhanSoHoa",
            "DuongDanTepTinKetQua",
            "Tái sử dụng dữ liệu số hóa",
            "Phí, lệ phí",
            "Mức độ hài lòng",
            "Phản ánh, kiến nghị",
            "Mã TTHC",
        ],
        [
            "A",
            "01/02/2024",
            "Bình Minh",
            2,
            1,
            "https://example.invalid/kq/A.pdf",
            "x",
            "50.000 đ",
            "Rất hài lòng",
            None,
            1.00123,
        ],
        ["B", "01/02/2024", "Bình Minh", "Có", 0, None, None, "Miễn phí", "Không hài lòng", "Có", "1.001234"],
        ["C", "01/02/2024", "Bình Minh", None, None, "", "0", 0, 5, "0", "2.000908"],
    ]
    xlsx(tmp_path, "x.xlsx", rows)
    table = ingest(tmp_path).table
    assert table["supplement_requests"].tolist() == [2, 1, 0]
    assert str(table["supplement_requests"].dtype) == "Int16"
    assert table["digitised"].tolist() == [True, False, False]
    assert table["e_result"].tolist() == [True, False, False]  # a result link present
    assert table["data_reused"].tolist() == [True, False, False]
    assert table["fee_required"].tolist() == [True, False, False]  # 50.000 đ; "Miễn phí"; amount 0
    assert table["rating"].tolist()[:3] == ["very_satisfied", "dissatisfied", "very_satisfied"]
    assert table["complaint"].tolist() == [False, True, False]
    assert table["procedure_code"].tolist() == ["1.001230", "1.001234", "2.000908"]  # six decimals restored


def test_missing_columns_are_na_not_false(tmp_path):
    table = one_column(tmp_path, "Tên thủ tục", ["Khai sinh"])
    for column in [
        "paid_online",
        "apology_issued",
        "digitised",
        "e_result",
        "data_reused",
        "fee_required",
        "complaint",
        "supplement_requests",
        "rating",
        "status_code",
        "channel",
        "due_at",
    ]:
        assert table[column].isna().all(), column


# ---------------------------------------------------------------- quarantine and accounting


def test_bad_rows_are_quarantined_with_a_reason_each(tmp_path):
    xlsx(
        tmp_path,
        "bad.xlsx",
        titled(
            "UBND xã Thạnh Tân",
            [
                [
                    1,
                    "OK1",
                    "Khai sinh",
                    "Hộ tịch",
                    "01/03/2024 08:00",
                    "01/03/2024",
                    None,
                    "Đang xử lý",
                    1,
                    FAKE_NAME,
                    FAKE_PHONE,
                    None,
                ],
                [
                    2,
                    None,
                    "Khai sinh",
                    "Hộ tịch",
                    "01/03/2024 08:00",
                    "01/03/2024",
                    None,
                    "Đang xử lý",
                    1,
                    FAKE_NAME,
                    FAKE_PHONE,
                    None,
                ],
                [
                    3,
                    "NODATE",
                    "Khai sinh",
                    "Hộ tịch",
                    None,
                    "01/03/2024",
                    None,
                    "Đang xử lý",
                    1,
                    FAKE_NAME,
                    FAKE_PHONE,
                    None,
                ],
                [
                    4,
                    "BADDATE",
                    "Khai sinh",
                    "Hộ tịch",
                    "31/02/2024",
                    "01/03/2024",
                    None,
                    "Đang xử lý",
                    1,
                    FAKE_NAME,
                    FAKE_PHONE,
                    None,
                ],
                [
                    5,
                    "BADDUE",
                    "Khai sinh",
                    "Hộ tịch",
                    "01/03/2024",
                    "hôm qua",
                    None,
                    "Chờ ký",
                    1,
                    FAKE_NAME,
                    FAKE_PHONE,
                    None,
                ],
                [
                    6,
                    "BADFLAG",
                    "Khai sinh",
                    "Hộ tịch",
                    "01/03/2024",
                    "01/03/2024",
                    None,
                    4,
                    "Qua Zalo",
                    FAKE_NAME,
                    FAKE_PHONE,
                    "chưa rõ",
                ],
            ],
        ),
    )
    result = ingest(tmp_path)
    (account,) = result.files
    # 6 dossier rows + 3 footer lines of titled()
    assert (account.rows_read, account.rows_ingested, account.rows_quarantined, account.rows_duplicate) == (9, 1, 5, 0)
    q = result.quarantine.set_index("row")
    # data rows are Excel rows 6..11 (five rows above: four title/blank lines and the header)
    assert q.loc[7, "reason"] == "thiếu mã hồ sơ (cột 'Mã hồ sơ')"
    assert q.loc[8, "reason"] == "thiếu ngày tiếp nhận (cột 'Ngày tiếp nhận')"
    assert q.loc[9, "reason"] == "ngày tiếp nhận không đọc được: '31/02/2024' (cột 'Ngày tiếp nhận')"
    assert (q.loc[9, "column"], q.loc[9, "value"], q.loc[9, "record_id"]) == ("Ngày tiếp nhận", "31/02/2024", "BADDATE")
    # words in a date cell, or a status no table knows, may be a name: quoted masked (scrub.quoted)
    assert q.loc[10, "reason"] == (
        f"ngày hẹn trả không đọc được: '{unknown_value('hôm qua')}' (cột 'Ngày hẹn trả'); "
        f"trạng thái không có trong one_stop/values.csv: '{unknown_value('Chờ ký')}' "
        "(cột 'Trạng thái')"
    )
    assert q.loc[11, "reason"] == (
        f"kênh nộp không có trong one_stop/values.csv: '{unknown_value('Qua Zalo')}' "
        f"(cột 'Hình thức nộp'); giá trị có/không không đọc được: "
        f"'{unknown_value('chưa rõ')}' (cột 'Phiếu xin lỗi')"
    )
    assert set(q["file"]) == {"one_stop/bad.xlsx"} and set(q["source"]) == {"one_stop"}
    assert FAKE_NAME not in result.quarantine.to_string() and FAKE_PHONE not in result.quarantine.to_string()
    assert result.table["dossier_id"].tolist() == ["OK1"]


def test_duplicates_within_and_across_files_and_conflicts(tmp_path):
    jan = [
        [
            1,
            "D1",
            "Khai sinh",
            "Hộ tịch",
            "02/01/2024 08:00",
            "02/01/2024",
            "02/01/2024 15:00",
            10,
            1,
            FAKE_NAME,
            "x",
            None,
        ],
        [
            2,
            "D2",
            "Khai tử",
            "Hộ tịch",
            "03/01/2024 08:00",
            "04/01/2024",
            "04/01/2024 15:00",
            10,
            2,
            FAKE_NAME,
            "x",
            None,
        ],
        [
            3,
            "D2",
            "Khai tử",
            "Hộ tịch",
            "03/01/2024 08:00",
            "04/01/2024",
            "04/01/2024 15:00",
            10,
            2,
            "Người khác",
            "y",
            None,
        ],
        [4, "D3", "Kết hôn", "Hộ tịch", "05/01/2024 08:00", "10/01/2024", None, 4, 1, FAKE_NAME, "x", None],
    ]
    # the overlapping re-export: D1 again with an Excel date and a different STT (same dossier),
    # D3 now returned (its status and return date differ), D4 new
    overlap = [
        [
            7,
            "D1",
            "Khai sinh",
            "Hộ tịch",
            datetime(2024, 1, 2, 8),
            datetime(2024, 1, 2),
            datetime(2024, 1, 2, 15),
            "Đã trả kết quả",
            "Trực tiếp",
            FAKE_NAME,
            "x",
            None,
        ],
        [
            8,
            "D3",
            "Kết hôn",
            "Hộ tịch",
            "05/01/2024 08:00",
            "10/01/2024",
            "09/01/2024 10:00",
            10,
            1,
            FAKE_NAME,
            "x",
            None,
        ],
        [9, "D4", "Kết hôn", "Hộ tịch", "06/01/2024 08:00", "11/01/2024", None, 4, 1, FAKE_NAME, "x", None],
    ]
    xlsx(tmp_path, "p1/2024-01.xlsx", [HEADER, *jan])
    xlsx(tmp_path, "p1/2024-01-xuat-lai.xlsx", [HEADER, *overlap])
    result = ingest(tmp_path)
    first, second = result.files
    assert (first.file, second.file) == ("one_stop/p1/2024-01-xuat-lai.xlsx", "one_stop/p1/2024-01.xlsx")  # sorted
    # xuat-lai (read first): D1 kept, D3 conflict, D4 kept -> 3 read = 2 + 1 quarantined + 0 duplicate
    assert (first.rows_read, first.rows_ingested, first.rows_quarantined, first.rows_duplicate) == (3, 2, 1, 0)
    # 2024-01: D1 duplicate of xuat-lai's, D2 kept + its copy (duplicate, the personal columns differ but are
    # not compared), D3 conflict -> 4 read = 1 + 1 + 2
    assert (second.rows_read, second.rows_ingested, second.rows_quarantined, second.rows_duplicate) == (4, 1, 1, 2)
    assert (
        "1 dòng trùng hoàn toàn với hồ sơ đã có ở tệp one_stop/p1/2024-01-xuat-lai.xlsx (chỉ giữ một bản)"
        in second.notes
    )
    assert "1 dòng trùng hoàn toàn với hồ sơ đã có trong cùng tệp (chỉ giữ một bản)" in second.notes
    assert sorted(result.table["dossier_id"]) == ["D1", "D2", "D4"]
    conflicts = result.quarantine[result.quarantine["record_id"] == "D3"]
    assert len(conflicts) == 2
    assert set(conflicts["reason"]) == {
        "mã hồ sơ trùng nhưng khác nhau ở: Ngày trả kết quả, Trạng thái (các bản: "
        "one_stop/p1/2024-01-xuat-lai.xlsx dòng 3; one_stop/p1/2024-01.xlsx dòng 5)"
    }
    assert (
        result.table.loc[result.table["dossier_id"] == "D1", "source_file"].item()
        == "one_stop/p1/2024-01-xuat-lai.xlsx"
    )


def test_a_column_only_one_file_has_does_not_make_a_conflict(tmp_path):
    xlsx(
        tmp_path,
        "a.xlsx",
        [["Mã hồ sơ", "Đơn vị", "Ngày tiếp nhận", "Phiếu xin lỗi"], ["E1", "P2", "02/01/2024", "Có"]],
    )
    xlsx(tmp_path, "b.xlsx", [["Mã hồ sơ", "Đơn vị", "Ngày tiếp nhận"], ["E1", "Phường 2", "02/01/2024"]])
    result = ingest(tmp_path)
    assert [f.rows_duplicate for f in result.files] == [0, 1]
    assert result.table[["dossier_id", "apology_issued"]].values.tolist() == [["E1", True]]


def test_rows_read_is_always_accounted_for(tmp_path):
    xlsx(
        tmp_path,
        "ninh-thanh/a.xlsx",
        [
            HEADER,
            [1, "Q1", "x", "y", "01/01/2024", None, None, 4, 1, "n", "p", None],
            [2, "Q1", "x", "y", "01/01/2024", None, None, 4, 1, "n", "p", None],
            [3, None, "x", "y", "01/01/2024", None, None, 4, 1, "n", "p", None],
        ],
    )
    xlsx(tmp_path, "ninh-thanh/b.xlsx", [HEADER, [1, "Q1", "x", "y", "01/01/2024", None, None, 4, 1, "n", "p", None]])
    (a, b) = [xlsx_account for xlsx_account in ingest(tmp_path).files]
    # a: Q1, Q1 (copy), no id -> 1 ingested + 1 duplicate + 1 quarantined; b: Q1 (copy of a's) -> 0 + 1 + 0
    assert (a.rows_read, a.rows_ingested, a.rows_duplicate, a.rows_quarantined) == (3, 1, 1, 1)
    assert (b.rows_read, b.rows_ingested, b.rows_duplicate, b.rows_quarantined) == (1, 0, 1, 0)


# ---------------------------------------------------------------- unit


def test_unit_from_column_canonical_and_unknown_spellings_kept(tmp_path):
    xlsx(
        tmp_path,
        "x.xlsx",
        [
            ["Mã hồ sơ", "Đơn vị tiếp nhận", "Ngày tiếp nhận"],
            ["U1", "UBND phường Hiệp Ninh", "01/02/2024"],
            ["U2", "Xã Bình Minh", "01/02/2024"],
            ["U3", "Phường 7", "01/02/2024"],
            ["U4", "Phường 7", "01/02/2024"],
        ],
    )
    result = ingest(tmp_path)
    masked = "Phư…[8 ký tự #" + hashlib.sha256("Phường 7".encode()).hexdigest()[:4] + "]"  # scrub.unknown_value
    assert result.table["unit"].tolist() == ["Hiệp Ninh", "Bình Minh", masked, masked]
    assert (
        f"đơn vị không có trong units.csv: '{masked}' (2 dòng, từ dòng 4; tên che bớt vì có thể là dữ liệu cá nhân)"
    ) in result.files[0].notes


def test_unit_from_folder_and_blank_unit_cells(tmp_path):
    text_file(tmp_path, "ninh-son/sync.csv", [["MaHoSo", "NgayTiepNhan"], ["F1", "20240102080000"]])
    xlsx(
        tmp_path,
        "phuong-iv/a.xlsx",
        [["Mã hồ sơ", "Đơn vị", "Ngày tiếp nhận"], ["F2", None, "01/02/2024"], ["F3", "Phường 2", "01/02/2024"]],
    )
    xlsx(
        tmp_path,
        "chung/b.xlsx",
        [["Mã hồ sơ", "Đơn vị", "Ngày tiếp nhận"], ["F4", None, "01/02/2024"], ["F5", "Tân Bình", "01/02/2024"]],
    )
    result = ingest(tmp_path)
    units_by_id = dict(zip(result.table["dossier_id"], result.table["unit"]))
    # F2's blank cell takes its folder's unit; F3's column wins; F4 has neither: quarantined
    assert units_by_id == {"F1": "Ninh Sơn", "F2": "Phường IV", "F3": "Phường 2", "F5": "Tân Bình"}
    assert result.quarantine["reason"].tolist() == ["thiếu đơn vị (cột 'Đơn vị')"]
    assert result.quarantine["record_id"].tolist() == ["F4"]


def test_title_and_folder_must_agree(tmp_path):
    xlsx(tmp_path, "ninh-son/a.xlsx", [["UBND PHƯỜNG NINH THẠNH"], ["Mã hồ sơ", "Ngày tiếp nhận"], ["A", "01/02/2024"]])
    with pytest.raises(
        IngestError,
        match=r"^one_stop/ninh-son/a\.xlsx: the title rows name 'Ninh Thạnh' but the "
        r"file is in the folder of 'Ninh Sơn'",
    ):
        one_stop.ingest(raw_dir(tmp_path))


def test_a_file_without_any_unit_stops_ingest(tmp_path):
    xlsx(tmp_path, "khong-ro.xlsx", [["DANH SÁCH HỒ SƠ"], ["Mã hồ sơ", "Ngày tiếp nhận"], ["A", "01/02/2024"]])
    with pytest.raises(IngestError, match=r"^one_stop/khong-ro\.xlsx: no unit: no unit column \(unit \('Đơn vị'"):
        one_stop.ingest(raw_dir(tmp_path))


def test_units_named_in_title_text():
    assert units.named_in("BỘ PHẬN MỘT CỬA PHƯỜNG NINH THẠNH") == {"Ninh Thạnh"}
    assert units.named_in("Đơn vị: Ninh Sơn") == {"Ninh Sơn"}
    assert units.named_in("UBND PHƯỜNG 1") == {"Phường 1"}
    assert units.named_in("Phường 12") == set()  # not Phường 1
    assert units.named_in("UBND THÀNH PHỐ TÂY NINH") == set()
    assert units.named_in("xã Bình Minh và xã Thạnh Tân") == {"Bình Minh", "Thạnh Tân"}
    assert units.named_in(None) == set()


# ---------------------------------------------------------------- unusable files


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("rong.xlsx", b"", r"^one_stop/rong\.xlsx: the file is empty"),
        (
            "hong.xlsx",
            b"PK\x03\x04 not really a workbook" * 20,
            r"^one_stop/hong\.xlsx: cannot be read as a spreadsheet",
        ),
        ("rong.csv", b"", r"^one_stop/rong\.csv: the file is empty"),
    ],
)
def test_unusable_files_stop_ingest_naming_the_file(tmp_path, name, content, message):
    path = raw_dir(tmp_path) / "one_stop" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        one_stop.ingest(raw_dir(tmp_path))


def test_no_recognisable_header(tmp_path):
    xlsx(tmp_path, "la.xlsx", [["Cột 1", "Cột 2"], ["a", "b"]])
    with pytest.raises(IngestError, match=r"^one_stop/la\.xlsx: no recognisable header row"):
        one_stop.ingest(raw_dir(tmp_path))


def test_required_column_missing(tmp_path):
    xlsx(tmp_path, "thieu.xlsx", [["Mã hồ sơ", "Tên thủ tục", "Trạng thái"], ["A", "x", 4]])
    with pytest.raises(
        IngestError,
        match=r"^one_stop/thieu\.xlsx \(sheet 'Sheet1'\): required column\(s\) missing: "
        r"received_at \('Ngày tiếp nhận'",
    ):
        one_stop.ingest(raw_dir(tmp_path))


def test_a_bad_vocabulary_row_is_refused(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("field,match,value,code\nstatus,exact,Đã xong,11\n", encoding="utf-8")
    with pytest.raises(
        ReferenceFileError,
        match=r"values\.csv: row 2, column 'code': \(status,Đã xong,11\): "
        r"expected one of",
    ):
        Vocabulary.from_csv(path)


# ---------------------------------------------------------------- personal data


def test_personal_data_is_nowhere_in_the_processed_files(tmp_path):
    xlsx(
        tmp_path,
        "p.xlsx",
        titled(
            "UBND phường Hiệp Ninh",
            [
                [1, "P1", "Khai sinh", "Hộ tịch", "01/03/2024", None, None, 4, 1, FAKE_NAME, FAKE_PHONE, None],
                [2, None, "Khai sinh", "Hộ tịch", "01/03/2024", None, None, 4, 1, FAKE_NAME, FAKE_PHONE, None],
                [3, "P3", "Khai sinh", "Hộ tịch", "31/02/2024", None, None, 4, 1, FAKE_NAME, FAKE_PHONE, None],
            ],
        ),
    )
    out = tmp_path / "processed"
    result = ingest(tmp_path)
    assert result.files[0].rows_quarantined == 2
    runner.write_results([result], out, raw_dir(tmp_path))
    for name in ["one_stop.parquet", "one_stop_quarantine.parquet", "manifest.json"]:
        data = (out / name).read_bytes()
        for secret in (FAKE_NAME, FAKE_PHONE):
            assert secret.encode("utf-8") not in data, (name, secret)
    assert store.read_table("one_stop", out)["dossier_id"].tolist() == ["P1"]
