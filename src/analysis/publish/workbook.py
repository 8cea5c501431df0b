"""The Interior Department's files: ``indicators.csv`` (the long format, machine-readable) and
``indicators.xlsx`` (a formatted workbook: one sheet per index, the plan's scorecard, the one-stop desk's
action list, a legend), with Vietnamese column titles, frozen headers, filters, number formats and status
colours that are always paired with the status in words.

Nothing from the data is ever written as a formula: the workbook stores every text as a string cell
(xlsxwriter's ``strings_to_formulas``/``strings_to_urls`` off), and a CSV text cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
apostrophe, as OWASP recommends for CSV injection.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from analysis.indicators.due_soon import SITUATION_VI
from analysis.indicators.long import LONG_COLUMNS, STATUS_VI, TEXT_COLUMNS
from analysis.indicators.projection import VERDICT_VI

COLUMN_VI = {
    "period": "Kỳ",
    "unit": "Đơn vị",
    "index": "Chỉ số",
    "code": "Mã",
    "name": "Tên chỉ tiêu",
    "level": "Cấp",
    "value": "Giá trị",
    "measure": "Đơn vị đo",
    "max_points": "Điểm tối đa",
    "points": "Điểm",
    "baseline": "Số liệu năm gốc",
    "baseline_period": "Kỳ gốc",
    "target": "Chỉ tiêu kế hoạch",
    "gap_to_target": "Còn thiếu so với chỉ tiêu",
    "change_vs_baseline": "Thay đổi so với gốc",
    "status": "Trạng thái (mã)",
    "status_vi": "Trạng thái",
    "n": "Số quan sát (n)",
    "ci_low": "Khoảng tin cậy 95% - dưới",
    "ci_high": "Khoảng tin cậy 95% - trên",
    "owner": "Người phụ trách (theo KH 23/KH-UBND)",
    "note": "Ghi chú",
    "projected": "Dự báo cuối năm",
    "projected_low": "Dự báo cuối năm - cận dưới",
    "projected_high": "Dự báo cuối năm - cận trên",
    "deadline": "Thời hạn (theo KH 23/KH-UBND)",
    "verdict": "Đến cuối năm",
}
ACTION_VI = {
    "unit": "Đơn vị",
    "dossier_id": "Mã hồ sơ",
    "procedure_name": "Thủ tục",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "situation": "Tình trạng",
    "working_days_left": "Số ngày làm việc còn lại",
    "days_overdue": "Số ngày đã trễ (ngày lịch)",
    "as_of": "Tính đến ngày",
}
SHEETS = {"service": "Phục vụ người dân (766)", "sipas": "SIPAS", "papi": "PAPI", "par": "PAR INDEX"}
PLAN_SHEET, ACTION_SHEET, LEGEND_SHEET = "Kế hoạch 23", "Hồ sơ sắp trễ hạn", "Giải thích"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Colour per status, always beside the status in words (readable in black and white and by colour-blind readers).
GOOD, BAD, WARN, GREY = "#c8e6c9", "#ffcdd2", "#fff3c4", "#eeeeee"
STATUS_FILL = {
    "met": GOOD,
    "full": GOOD,
    "recovered": GOOD,
    "improving": GOOD,
    "done": GOOD,
    "on_track": GOOD,
    "worse": BAD,
    "still_lost": BAD,
    "newly_lost": BAD,
    "overdue": BAD,
    "off_track": BAD,
    "late_no_apology": BAD,
    "flat": WARN,
    "in_progress": WARN,
    "not_started": WARN,
    "at_risk": WARN,
    "due_soon": WARN,
    "no_data": GREY,
    "no_baseline": GREY,
}
WORDS = {**STATUS_VI, **VERDICT_VI, **SITUATION_VI}


def with_status_vi(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.insert(LONG_COLUMNS.index("status") + 1, "status_vi", out["status"].map(STATUS_VI).astype("string"))
    return out


def neutralise(text: pd.Series) -> pd.Series:
    """CSV text cells that would start a formula get a leading apostrophe (OWASP: CSV injection)."""
    risky = text.str.startswith(FORMULA_START).fillna(False)
    return text.where(~risky, "'" + text)


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = with_status_vi(frame)
    for column in [c for c in out.columns if c in TEXT_COLUMNS or c == "status_vi"]:
        out[column] = neutralise(out[column].astype("string"))
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, so Excel shows Vietnamese."""
    path.parent.mkdir(parents=True, exist_ok=True)
    csv_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def write(
    frame: pd.DataFrame, folder: Path, actions: pd.DataFrame | None = None, verdicts: pd.Series | None = None
) -> None:
    """indicators.csv and indicators.xlsx for the period in ``folder``; ``actions`` = the action lists of
    every unit (indicators/due_soon.py, with ``as_of``); ``verdicts`` = year-end verdicts of targeted rows."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(frame, folder / "indicators.csv")
    table = with_status_vi(frame)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(folder / "indicators.xlsx", engine="xlsxwriter", engine_kwargs={"options": options}) as w:
        # A fixed creation date keeps the file identical when rebuilt from the same inputs.
        w.book.set_properties({"title": "Chỉ số — bảng chỉ tiêu", "created": datetime(2024, 1, 1)})
        plan_rows = table[(table["index"] == "plan") | table["projected"].notna()].copy()
        if verdicts is not None:
            plan_rows.insert(
                plan_rows.columns.get_loc("projected_high") + 1,
                "verdict",
                verdicts.reindex(plan_rows.index).map(VERDICT_VI).astype("string"),
            )
        _sheet(w, PLAN_SHEET, _plan_columns(plan_rows), COLUMN_VI, "status")
        for index, name in SHEETS.items():
            _sheet(w, name, table[table["index"] == index], COLUMN_VI, "status")
        if actions is not None:
            shown = actions.assign(situation=actions["situation"].map(SITUATION_VI))
            _sheet(w, ACTION_SHEET, shown, ACTION_VI, "situation")
        _legend(w)


def _plan_columns(frame: pd.DataFrame) -> pd.DataFrame:
    keep = [
        "period",
        "unit",
        "index",
        "code",
        "name",
        "value",
        "target",
        "status_vi",
        "projected",
        "projected_low",
        "projected_high",
        "verdict",
        "owner",
        "deadline",
        "note",
    ]
    return frame[[c for c in keep if c in frame]]


def _sheet(writer: pd.ExcelWriter, name: str, frame: pd.DataFrame, titles: dict[str, str], status: str) -> None:
    shown = frame.rename(columns=titles)
    shown.to_excel(writer, sheet_name=name, index=False)
    book, sheet = writer.book, writer.sheets[name]
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#dfe7f1", "border": 1})
    number = book.add_format({"num_format": "#,##0.0#"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for pos, column in enumerate(frame.columns):
        sheet.write_string(0, pos, str(shown.columns[pos]), header)
        kind = frame[column].dtype
        if pd.api.types.is_datetime64_any_dtype(kind):
            sheet.set_column(pos, pos, 12, date)
        elif pd.api.types.is_float_dtype(kind):
            sheet.set_column(pos, pos, 12, number)
        else:
            sheet.set_column(pos, pos, 40 if column in ("name", "note", "owner", "procedure_name") else 14)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(frame)), max(0, len(frame.columns) - 1))
    words_column = next((c for c in ("status_vi", "verdict", status) if c in frame), None)
    if words_column is None or frame.empty:
        return
    pos = list(frame.columns).index(words_column)
    for code, colour in STATUS_FILL.items():
        words = WORDS.get(code)
        if words:
            sheet.conditional_format(
                1,
                pos,
                len(frame),
                pos,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{words}"',
                    "format": book.add_format({"bg_color": colour}),
                },
            )


def _legend(writer: pd.ExcelWriter) -> None:
    columns = pd.DataFrame({"Cột": list(COLUMN_VI.values()), "Tên trong indicators.csv": list(COLUMN_VI)})
    statuses = pd.DataFrame({"Trạng thái": list(WORDS.values()), "Mã": list(WORDS)})
    columns.to_excel(writer, sheet_name=LEGEND_SHEET, index=False)
    statuses.to_excel(writer, sheet_name=LEGEND_SHEET, index=False, startrow=len(columns) + 2)
    sheet, book = writer.sheets[LEGEND_SHEET], writer.book
    sheet.set_column(0, 1, 45)
    for offset, code in enumerate(WORDS):
        if code in STATUS_FILL:
            fill = book.add_format({"bg_color": STATUS_FILL[code]})
            sheet.write_string(len(columns) + 3 + offset, 0, WORDS[code], fill)
    sheet.write_string(
        len(columns) + len(WORDS) + 5, 0, "Màu chỉ nhắc lại trạng thái đã ghi bằng chữ; in đen trắng vẫn đọc được."
    )
