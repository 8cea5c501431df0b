"""Drill-down for the exploration notebook: the rows behind one lost criterion of one unit and period.

Service index: the late dossiers of the service report (QĐ 766 or for the citizen, same view); SIPAS: the
answers to one criterion that were not "satisfied" (1–3 on the 1–5 scale); PAR INDEX: the score-sheet rows of
the criteria that lose points, as the PAR report computes them. Only ids, procedures, dates and scores: no personal data
reaches the processed tables, and the columns shown here are chosen, not passed through.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis import fmt, store
from analysis.indicators.long import STATUS_VI, is_missing
from analysis.indicators.service_detail import LATE_COLUMNS
from analysis.periods import Period
from analysis.reference import units
from analysis.report import html

INDICES = {"service": "Chỉ số phục vụ (QĐ 766)", "sipas": "Hài lòng (SIPAS)", "par": "PAR INDEX"}
NOT_SATISFIED = (1, 3)  # SIPAS answers 1-3 of the 1-5 scale; 4 and 5 are "satisfied", 0 and 9 are no answer
SERVICE_CRITERIA = {
    "late_766": "Hồ sơ trễ hạn theo QĐ 766 (ngày kết thúc xử lý)",
    "late_for_citizen": "Hồ sơ trễ hạn với người dân (biểu II.06a)",
}
# The late list's columns (service_detail.LATE_COLUMNS) but the unit and the yes/no flags the criteria select on
_SERVICE_COLUMNS = [c for c in LATE_COLUMNS if c not in ("unit", "resupplied", *SERVICE_CRITERIA)]
_SIPAS_COLUMNS = ["form_id", "survey_date", "procedure", "field", "channel"]
_PAR_COLUMNS = ["code", "name", "max_points", "points", "lost", "baseline", "status", "owner", "evidence"]


def _sipas_answers(processed: str | Path, unit: str, period: Period) -> pd.DataFrame | None:
    table = store.read_table("sipas", processed)
    if table is None:
        return None
    dates = pd.to_datetime(table["survey_date"])
    inside = (dates >= pd.Timestamp(period.first)) & (dates < pd.Timestamp(period.last) + pd.Timedelta(days=1))
    return table.loc[(table["unit"] == unit) & inside]


def _not_satisfied(answers: pd.Series) -> pd.Series:
    return pd.to_numeric(answers).between(*NOT_SATISFIED).fillna(False).astype(bool)


def _par_lost(processed: str | Path, unit: str, period: Period) -> pd.DataFrame:
    """The unit's criteria that lose points in the period's year, as the PAR report computes them."""
    from analysis.collect import par

    nodes = par.unit_view(processed, period, unit).nodes
    if nodes.empty:
        return pd.DataFrame(columns=_PAR_COLUMNS)
    lost = nodes.loc[nodes["is_leaf"].fillna(False).astype(bool) & (nodes["lost"].fillna(0) > 0)]
    return lost.sort_values("lost", ascending=False, kind="stable")[_PAR_COLUMNS]


def criteria(processed: str | Path, index: str, unit: str, period: Period) -> dict[str, str]:
    """Criterion key -> label a reader can pick, for that unit and period (lost ones only for SIPAS and PAR)."""
    if index == "service":
        return dict(SERVICE_CRITERIA)
    if index == "sipas":
        answers = _sipas_answers(processed, unit, period)
        if answers is None:
            return {}
        codes = [c for c in answers.columns if c.startswith("E") and "." in c]
        lost = {c: int(_not_satisfied(answers[c]).sum()) for c in codes}
        return {c: f"Tiêu chí {c[1:]} ({fmt.number(n)} câu trả lời chưa hài lòng)" for c, n in lost.items() if n}
    if index == "par":
        return {
            str(r.code): f"{r.code} {r.name} (mất {fmt.compact(r.lost)} điểm)"
            for r in _par_lost(processed, unit, period).itertuples()
        }
    raise ValueError(f"unknown index {index!r}; known: {', '.join(INDICES)}")


def rows(processed: str | Path, index: str, unit: str, period: Period, criterion: str) -> pd.DataFrame:
    """The rows behind ``criterion``: dossiers, survey answers or score-sheet rows (never personal data)."""
    if index == "service":
        from analysis.collect import service

        late = service.unit_view(processed, period, unit).late
        return late.loc[late[criterion].fillna(False).astype(bool), _SERVICE_COLUMNS]
    if index == "sipas":
        answers = _sipas_answers(processed, unit, period)
        if answers is None:
            return pd.DataFrame(columns=_SIPAS_COLUMNS)
        return answers.loc[_not_satisfied(answers[criterion]), _SIPAS_COLUMNS + [criterion]]
    if index == "par":
        lost = _par_lost(processed, unit, period)
        return lost.loc[lost["code"].astype(str) == criterion]
    raise ValueError(f"unknown index {index!r}; known: {', '.join(INDICES)}")


COLUMNS_VI = {
    "dossier_id": "Mã hồ sơ",
    "procedure_name": "Thủ tục",
    "field": "Lĩnh vực",
    "channel": "Hình thức nộp",
    "received": "Tiếp nhận",
    "due": "Hẹn trả",
    "judged_on": "Kết thúc xử lý (hoặc cuối kỳ)",
    "returned": "Trả kết quả",
    "days_late_766": "Số ngày trễ (QĐ 766)",
    "days_late_citizen": "Số ngày trễ với người dân",
    "apology": "Phiếu xin lỗi",
    "form_id": "Mã phiếu",
    "survey_date": "Ngày khảo sát",
    "procedure": "Thủ tục",
    "code": "Mã tiêu chí",
    "name": "Tiêu chí",
    "max_points": "Điểm tối đa",
    "points": "Điểm",
    "lost": "Điểm bị mất",
    "baseline": "Điểm năm trước",
    "status": "Trạng thái",
    "owner": "Người phụ trách",
    "evidence": "Tài liệu kiểm chứng",
}


def rows_html(frame: pd.DataFrame, limit: int = 200) -> str:
    """The rows as a report table (Vietnamese headings, dates and numbers through fmt), at most ``limit``."""
    columns = {c: COLUMNS_VI.get(c, f"Trả lời {c[1:]}" if c.startswith("E") else c) for c in frame.columns}
    formats: dict[str, Callable[[object], str]] = {
        c: fmt.day for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])
    }
    formats["status"] = lambda v: STATUS_VI.get(str(v), str(v))
    formats["apology"] = lambda v: "" if is_missing(v) else ("có" if v else "chưa có")
    shown = html.table(frame.head(limit), columns, formats, empty="Không có dòng nào.")
    more = f" (hiện {fmt.number(limit)} dòng đầu)" if len(frame) > limit else ""
    return html.paragraph(f"{fmt.number(len(frame))} dòng{more}.") + shown


def explorer(processed_dir: str = "", period: str = "2024Q4"):
    """Pick unit, index, period and criterion; the rows behind it appear below (ipywidgets)."""
    import ipywidgets as widgets

    processed = store.processed_dir(processed_dir)
    unit = widgets.Dropdown(options=[u.unit for u in units.all_units()], description="Đơn vị")
    index = widgets.Dropdown(options=[(label, key) for key, label in INDICES.items()], description="Chỉ số")
    when = widgets.Text(value=period, description="Kỳ", placeholder="2024Q4, 2024 hoặc 2024-03")
    criterion = widgets.Dropdown(options=[], description="Tiêu chí", layout=widgets.Layout(width="60%"))
    shown = widgets.HTML()

    def refresh_criteria(_=None) -> None:
        try:
            found = criteria(processed, index.value, unit.value, Period.parse(when.value))
        except ValueError as error:
            shown.value = html.paragraph(f"Kỳ không đọc được ({error}).")
            return
        criterion.options = [(label, key) for key, label in found.items()]
        criterion.value = next(iter(found), None)  # ipywidgets 8 selects nothing by itself
        if not found:
            shown.value = "<p>Không có tiêu chí nào bị mất điểm (hoặc không có dữ liệu) trong kỳ này.</p>"

    def refresh_rows(_=None) -> None:
        if criterion.value is not None:
            shown.value = rows_html(rows(processed, index.value, unit.value, Period.parse(when.value), criterion.value))

    for control in (unit, index, when):
        control.observe(refresh_criteria, names="value")
    criterion.observe(refresh_rows, names="value")
    refresh_criteria()
    refresh_rows()
    return widgets.VBox([widgets.HBox([unit, index, when]), criterion, shown])
