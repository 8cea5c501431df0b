"""Demo one-stop exports, in the shapes real exports come in (``<out>/one_stop/demo_*``), for 2023 and 2024.

- Ninh Thạnh: printed xlsx with every column (Excel dates); 2024 in two half-year files that overlap by a week
  (the overlap is read once) and disagree on one dossier (quarantined).
- Phường 1, Phường 3, Ninh Sơn: printed xlsx, Excel dates, fee as an amount; Ninh Sơn's 2023 template has no
  apology column. Hiệp Ninh: the same page saved by Excel as "CSV UTF-8" in a comma-decimal locale (BOM,
  semicolons, dates as shown: dd/mm/yyyy HH:MM).
- Phường 2, Phường IV: text dates (dd/mm/yyyy HH:MM[:SS]) and other header spellings; Phường 2's list is on
  the second sheet after a summary; Phường IV's is saved as Excel's "Unicode Text" (UTF-16, tab-separated),
  with a column-numbering row under the header.
- Bình Minh and Tân Bình: one city file a year with a unit column.
- Thạnh Tân: CSV with the national portal's sync field names, codes and yyyyMMddHHmmss dates, in a unit folder.
- Broken on purpose: a missing id (Phường 2, 2024), an impossible date (Phường IV, 2024), a row exported twice
  (Phường 3, 2024) and the Ninh Thạnh conflict — so the data-quality report has something to show.

Every name, phone, ID number and address is fake ("Nguyễn Văn A700001", 09007…, 000000700001, "đường Demo").
Deterministic: seeded simulation (``one_stop_sim``) and a fixed workbook date, so two runs are byte-identical.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from analysis.demo.one_stop_sim import year_of_dossiers
from analysis.reference import units

SOURCE = "one_stop"
YEARS = (2023, 2024)
CREATED = datetime(2025, 1, 6, 8, 0)  # fixed workbook creation date: byte-identical files
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
STATUS_VI = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}
CHANNEL_VI = {"direct": "Trực tiếp", "online": "Trực tuyến", "post": "Qua dịch vụ bưu chính công ích"}
CHANNEL_CODE = {"direct": "1", "online": "2", "post": "3"}
RATING_VI = {
    "very_satisfied": "Rất hài lòng",
    "satisfied": "Hài lòng",
    "neutral": "Bình thường",
    "dissatisfied": "Không hài lòng",
    "very_dissatisfied": "Rất không hài lòng",
}
FIELD_CODE = {
    "Chứng thực": "CT",
    "Hộ tịch": "HT",
    "Đất đai": "DD",
    "Xây dựng": "XD",
    "Bảo trợ xã hội": "BTXH",
    "Người có công": "NCC",
}


@dataclass(frozen=True)
class Layout:
    """How one export template writes a dossier: (header, column, style) per column, and its date style."""

    columns: tuple[tuple[str, str, str], ...]
    dates: str = "excel"  # excel | %d/%m/%Y %H:%M (a strftime format) | compact
    sheet: str = "Danh sách hồ sơ"
    summary_sheet: bool = False
    numbering_row: bool = False

    def without(self, header: str) -> Layout:
        return replace(self, columns=tuple(c for c in self.columns if c[0] != header))


FULL = Layout(
    (
        ("STT", "stt", "int"),
        ("Mã hồ sơ", "dossier_id", "text"),
        ("Mã TTHC", "procedure_code", "text"),
        ("Tên thủ tục hành chính", "procedure_name", "text"),
        ("Lĩnh vực", "field", "text"),
        ("Chủ hồ sơ", "applicant", "text"),
        ("Số CCCD", "id_number", "text"),
        ("Số điện thoại", "phone", "text"),
        ("Địa chỉ", "address", "text"),
        ("Hình thức nộp", "channel", "channel_vi"),
        ("Ngày tiếp nhận", "received_at", "date"),
        ("Ngày hẹn trả", "due_at", "date"),
        ("Ngày kết thúc xử lý", "finished_at", "date"),
        ("Ngày trả kết quả", "returned_at", "date"),
        ("Trạng thái", "status_code", "status_vi"),
        ("Số lần yêu cầu bổ sung", "supplement_requests", "int"),
        ("Thủ tục có phí", "fee", "fee_co"),
        ("Thanh toán trực tuyến", "paid_online", "co"),
        ("Có thành phần số hóa", "digitised", "co"),
        ("Kết quả điện tử", "e_result", "co"),
        ("Tái sử dụng dữ liệu số hóa", "data_reused", "co"),
        ("Phiếu xin lỗi", "apology_issued", "co"),
        ("Đánh giá", "rating", "rating_vi"),
        ("Phản ánh, kiến nghị", "complaint", "co"),
    )
)
BASIC = Layout(
    (
        ("STT", "stt", "int"),
        ("Mã hồ sơ", "dossier_id", "text"),
        ("Tên thủ tục", "procedure_name", "text"),
        ("Mã thủ tục", "procedure_code", "text"),
        ("Tên lĩnh vực", "field", "text"),
        ("Người nộp", "applicant", "text"),
        ("Điện thoại", "phone", "text"),
        ("Kênh nộp", "channel", "channel_vi"),
        ("Ngày tiếp nhận", "received_at", "date"),
        ("Ngày hẹn trả kết quả", "due_at", "date"),
        ("Ngày hoàn thành", "finished_at", "date"),
        ("Ngày trả", "returned_at", "date"),
        ("Trạng thái", "status_code", "status_vi"),
        ("Phí, lệ phí", "fee", "amount"),
        ("Thanh toán trực tuyến", "paid_online", "x"),
        ("Kết quả điện tử", "e_result", "x"),
        ("Phiếu xin lỗi", "apology_issued", "x"),
    )
)
TEXT_DATES = Layout(
    (
        ("STT", "stt", "int"),
        ("Số hồ sơ", "dossier_id", "text"),
        ("Tên TTHC", "procedure_name", "text"),
        ("Lĩnh vực", "field", "text"),
        ("Họ tên", "applicant", "text"),
        ("Số điện thoại", "phone", "text"),
        ("Địa chỉ", "address", "text"),
        ("Hình thức\ntiếp nhận", "channel", "channel_vi"),
        ("Ngày nhận\nhồ sơ", "received_at", "date"),
        ("Hạn xử lý", "due_at", "date"),
        ("Ngày có\nkết quả", "finished_at", "date"),
        ("Ngày trả\nkết quả", "returned_at", "date"),
        ("Tình trạng", "status_code", "status_vi"),
        ("Phiếu xin lỗi", "apology_issued", "co"),
        ("Mức độ hài lòng", "rating", "rating_vi"),
    ),
    dates="%d/%m/%Y %H:%M",
)
COMBINED = Layout(
    (
        ("STT", "stt", "int"),
        ("Cơ quan tiếp nhận", "unit", "unit_vi"),
        ("Mã hồ sơ", "dossier_id", "text"),
        ("Mã TTHC", "procedure_code", "text"),
        ("Tên thủ tục", "procedure_name", "text"),
        ("Lĩnh vực", "field", "text"),
        ("Chủ hồ sơ", "applicant", "text"),
        ("Số định danh", "id_number", "text"),
        ("Hình thức nộp", "channel", "channel_vi"),
        ("Ngày tiếp nhận", "received_at", "date"),
        ("Ngày hẹn trả", "due_at", "date"),
        ("Ngày kết thúc xử lý", "finished_at", "date"),
        ("Ngày trả kết quả", "returned_at", "date"),
        ("Trạng thái", "status_code", "status_vi"),
        ("Phiếu xin lỗi", "apology_issued", "co"),
        ("Đánh giá", "rating", "rating_vi"),
    )
)
SYNC = Layout(
    (
        ("MaHoSo", "dossier_id", "text"),
        ("MaTTHC", "procedure_code", "text"),
        ("TenTTHC", "procedure_name", "text"),
        ("MaLinhVuc", "field", "field_code"),
        ("TenLinhVuc", "field", "text"),
        ("KenhThucHien", "channel", "channel_code"),
        ("ChuHoSo", "applicant", "text"),
        ("SoDinhDanh", "id_number", "text"),
        ("SoDienThoai", "phone", "text"),
        ("DiaChi", "address", "text"),
        ("NgayTiepNhan", "received_at", "date"),
        ("NgayHenTra", "due_at", "date"),
        ("NgayKetThucXuLy", "finished_at", "date"),
        ("NgayTra", "returned_at", "date"),
        ("TrangThaiHoSo", "status_code", "code"),
        ("SoLanYeuCauBoSung", "supplement_requests", "code"),
        ("DuocThanhToanTrucTuyen", "paid_online", "pay_code"),
        ("HoSoCoThanhPhanSoHoa", "digitised", "01"),
        ("DaSoHoaKetQua", "e_result", "01"),
        ("TaiSuDungDuLieu", "data_reused", "01"),
        ("PhieuXinLoi", "apology_issued", "01"),
    ),
    dates="compact",
)


def write(out_dir: Path) -> list[Path]:
    """Write the demo export set under ``<out_dir>/one_stop/``; returns the files written."""
    folder = Path(out_dir) / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    known = units.all_units()
    dossiers = {
        (u.unit, year): year_of_dossiers(u.unit, number, year)
        for number, u in enumerate(known, start=1)
        for year in YEARS
    }
    written = []
    for year in YEARS:
        span = f"Từ ngày 01/01/{year} đến ngày 31/12/{year}"
        for unit in known:
            frame = dossiers[(unit.unit, year)]
            name = unit.unit
            if name == "Ninh Thạnh" and year == 2024:
                written += _ninh_thanh_halves(folder, unit, frame)
            elif name == "Thạnh Tân":
                written.append(_csv(folder / unit.slug / f"demo_{unit.slug}_{year}.csv", frame, SYNC))
            elif name in ("Bình Minh", "Tân Bình"):
                continue  # in the city file below
            elif name == "Phường IV":
                written.append(
                    _printed_text(
                        folder / f"demo_{unit.slug}_{year}.txt",
                        _title(unit.display, span),
                        frame,
                        _layout_of(name, year),
                        _defects(name, year, frame),
                        "utf-16",
                        "\t",
                    )
                )
            elif name == "Hiệp Ninh":
                written.append(
                    _printed_text(
                        folder / f"demo_{unit.slug}_{year}.csv",
                        _title(unit.display, span),
                        frame,
                        replace(BASIC, dates="%d/%m/%Y %H:%M"),
                        None,
                        "utf-8-sig",
                        ";",
                    )
                )
            else:
                frame = _exported_twice(name, year, frame)
                written.append(
                    _xlsx(
                        folder / f"demo_{unit.slug}_{year}.xlsx",
                        _title(unit.display, span),
                        frame,
                        _layout_of(name, year),
                        _defects(name, year, frame),
                    )
                )
        communes = pd.concat([dossiers[(u, year)] for u in ("Bình Minh", "Tân Bình") if (u, year) in dossiers])
        communes = communes.sort_values(["received_at", "dossier_id"], kind="stable").reset_index(drop=True)
        written.append(
            _xlsx(
                folder / f"demo_xa-binh-minh-tan-binh_{year}.xlsx",
                ["UBND THÀNH PHỐ TÂY NINH", "DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH CẤP XÃ", span],
                communes,
                COMBINED,
            )
        )
    return written


def write_printed(path: Path, dossiers: pd.DataFrame, title: list[str], text_dates: str = "") -> Path:
    """One printed export of simulated dossiers with every column (the benchmark's large file): an xlsx with
    Excel dates, or with ``text_dates`` (a strftime format) a "CSV UTF-8" with dates written as text."""
    if text_dates:
        return _printed_text(path, title, dossiers, replace(FULL, dates=text_dates), None, "utf-8-sig", ",")
    return _xlsx(path, title, dossiers, FULL)


def _layout_of(unit: str, year: int) -> Layout:
    if unit == "Ninh Thạnh":
        return FULL
    if unit == "Phường 2":
        return replace(TEXT_DATES, summary_sheet=True)
    if unit == "Phường IV":
        return replace(TEXT_DATES, dates="%d/%m/%Y %H:%M:%S", numbering_row=True)
    if unit == "Ninh Sơn" and year == 2023:
        return BASIC.without("Phiếu xin lỗi")  # an older template
    return BASIC


def _title(display: str, span: str) -> list[str]:
    return [
        f"UBND {display.upper()}",
        "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        span,
    ]


def _ninh_thanh_halves(folder: Path, unit: units.Unit, frame: pd.DataFrame) -> list[Path]:
    """Two half-year exports overlapping 24-30/06; one dossier of the overlap reads 'not returned' in the first."""
    first = frame[frame["received_at"] < pd.Timestamp(2024, 7, 1)].copy()
    second = frame[frame["received_at"] >= pd.Timestamp(2024, 6, 24)]
    overlap = first.index[(first["received_at"] >= pd.Timestamp(2024, 6, 24)) & (first["status_code"] == 10)]
    changed = overlap[len(overlap) // 2]
    first.loc[changed, ["status_code", "returned_at"]] = [9, pd.NaT]
    return [
        _xlsx(
            folder / "demo_ninh-thanh_2024-h1.xlsx",
            _title(unit.display, "Từ ngày 01/01/2024 đến ngày 30/06/2024"),
            first,
            FULL,
        ),
        _xlsx(
            folder / "demo_ninh-thanh_2024-h2.xlsx",
            _title(unit.display, "Từ ngày 24/06/2024 đến ngày 31/12/2024"),
            second,
            FULL,
        ),
    ]


def _exported_twice(unit: str, year: int, frame: pd.DataFrame) -> pd.DataFrame:
    """Phường 3, 2024: one dossier exported twice (the copy has its own STT)."""
    if (unit, year) != ("Phường 3", 2024):
        return frame
    k = len(frame) // 2
    return pd.concat([frame.iloc[: k + 1], frame.iloc[[k]], frame.iloc[k + 1 :]], ignore_index=True)


def _defects(unit: str, year: int, frame: pd.DataFrame) -> dict[tuple[int, str], object]:
    """Cells to overwrite after rendering, {(row position, header): value}: a lost id, an impossible date."""
    if (unit, year) == ("Phường 2", 2024):
        return {(len(frame) // 3, "Số hồ sơ"): None}
    if (unit, year) == ("Phường IV", 2024):
        return {(len(frame) // 4, "Ngày nhận\nhồ sơ"): "31/02/2024 08:00:00"}
    return {}


# ---------------------------------------------------------------- rendering


def _cells(frame: pd.DataFrame, column: str, style: str, dates: str) -> list[object]:
    """One export column as the cells a template writes (None = blank)."""
    if style == "int" and column == "stt":
        return list(range(1, len(frame) + 1))
    values = frame[column]
    if style == "date":
        return _dates(values, dates)
    rendered = {
        "text": lambda: values.astype(object),
        "int": lambda: values.astype(object),
        "code": lambda: values.astype(str),
        "channel_vi": lambda: values.map(CHANNEL_VI),
        "channel_code": lambda: values.map(CHANNEL_CODE),
        "status_vi": lambda: values.map(STATUS_VI),
        "rating_vi": lambda: values.map(RATING_VI),
        "unit_vi": lambda: "UBND xã " + values,
        "field_code": lambda: values.map(FIELD_CODE),
        "co": lambda: pd.Series(np.where(values.astype(bool), "Có", np.array(None))),
        "x": lambda: pd.Series(np.where(values.astype(bool), "x", np.array(None))),
        "01": lambda: pd.Series(np.where(values.astype(bool), "1", "0")),
        "fee_co": lambda: pd.Series(np.where(values > 0, "Có", "Không")),
        "amount": lambda: values.map(lambda v: f"{v:,}".replace(",", ".") + " đ" if v else "0"),
        # 1 = paid on the national portal, 2 = on the province's gateway
        "pay_code": lambda: pd.Series(
            np.where(values.astype(bool), np.where(np.arange(len(values)) % 3, "1", "2"), "0")
        ),
    }[style]()
    return _python_list(rendered)


def _python_list(values: pd.Series) -> list[object]:
    """Plain Python values, None for blanks (what the writers expect), without a per-cell pandas call."""
    plain = values.astype(object)
    return plain.where(values.notna().to_numpy(), None).tolist()


def _dates(values: pd.Series, dates: str) -> list[object]:
    if dates == "excel":
        return _python_list(((values - EXCEL_EPOCH) / pd.Timedelta(days=1)).round(8))
    return _python_list(values.dt.strftime("%Y%m%d%H%M%S" if dates == "compact" else dates))


def _rendered(frame: pd.DataFrame, layout: Layout, defects: dict | None = None) -> tuple[list[str], list[list]]:
    headers = [header for header, _, _ in layout.columns]
    columns = [_cells(frame, column, style, layout.dates) for _, column, style in layout.columns]
    for (position, header), value in (defects or {}).items():
        columns[headers.index(header)][position] = value
    return headers, [list(row) for row in zip(*columns)]


def _printed(
    title: list[str], frame: pd.DataFrame, layout: Layout, defects: dict | None
) -> tuple[list[list[object]], int, int]:
    """A printed page as rows of cells: title lines, header (+ column numbers), dossiers, total, signatures.
    Also returns the header's row and the first dossier's row (0-based)."""
    headers, rows = _rendered(frame, layout, defects)
    blank: list[object] = []
    top: list[list[object]] = [
        [line, *[None] * 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" if n == 0 else None] for n, line in enumerate(title)
    ]
    head: list[list[object]] = [blank, [*headers]]
    if layout.numbering_row:
        head.append([f"({n})" for n in range(1, len(headers) + 1)])
    signature = [
        blank,
        [f"Tổng cộng: {len(rows)} hồ sơ"],
        blank,
        [None, "NGƯỜI LẬP BIỂU", *[None] * 6, "THỦ TRƯỞNG ĐƠN VỊ"],
        [None, "(Ký, ghi rõ họ tên)"],
        blank,
        blank,
        [None, "Nguyễn Thị Lập Biểu", *[None] * 6, "Trần Văn Thủ Trưởng"],
    ]
    lines = top + head + rows + signature
    return lines, len(top) + 1, len(top) + len(head)


def _xlsx(path: Path, title: list[str], frame: pd.DataFrame, layout: Layout, defects: dict | None = None) -> Path:
    """A printed export as an Excel workbook, dates as Excel dates (or text, as the layout says)."""
    lines, header_row, first = _printed(title, frame, layout, defects)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties(
        {"title": title[-2] if len(title) > 1 else title[0], "author": "Chỉ số (dữ liệu mẫu)", "created": CREATED}
    )
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "text_wrap": True, "border": 1, "align": "center"})
    stamp = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    if layout.summary_sheet:
        _summary(book.add_worksheet("Tổng hợp"), frame, bold)
    sheet = book.add_worksheet(layout.sheet)
    for position, (_, _, style) in enumerate(layout.columns):
        sheet.set_column(
            position,
            position,
            18 if style == "date" else 14,
            stamp if style == "date" and layout.dates == "excel" else None,
        )
    for number, cells in enumerate(lines):
        row_format = (
            head
            if header_row <= number < first
            else bold
            if number < header_row or number > first + len(frame)
            else None
        )
        sheet.write_row(number, 0, cells, row_format)
    book.close()
    return path


def _printed_text(
    path: Path,
    title: list[str],
    frame: pd.DataFrame,
    layout: Layout,
    defects: dict | None,
    encoding: str,
    delimiter: str,
) -> Path:
    """A printed export saved from Excel as text: "Unicode Text" (utf-16, tab) or "CSV UTF-8" (utf-8-sig)."""
    lines, _, _ = _printed(title, frame, layout, defects)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if cell is None else cell for cell in cells] for cells in lines]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _summary(sheet, frame: pd.DataFrame, bold) -> None:
    """A first sheet some systems add: dossiers by field (not a dossier list)."""
    sheet.write_row(0, 0, ["Lĩnh vực", "Số hồ sơ tiếp nhận", "Đã trả kết quả"], bold)
    counts = frame.groupby("field").agg(
        received=("dossier_id", "size"), returned=("status_code", lambda s: int((s == 10).sum()))
    )
    for number, (field_name, received, returned) in enumerate(counts.itertuples(), start=1):
        sheet.write_row(number, 0, [field_name, int(received), returned])


def _csv(path: Path, frame: pd.DataFrame, layout: Layout) -> Path:
    """A sync export: field names of the national portal, codes, compact dates, UTF-8."""
    headers, rows = _rendered(frame, layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
    return path
