"""The city overview: one line per unit with the figures the Interior Department compares first.

Everything comes from the long-format rows of the batch (collect.all_rows), so the overview never computes an
index itself: it picks rows (late for the citizen is the service index's own ``late.citizen`` row, with the
plan's target), and counts the plan's targets met with ``long.targets_summary`` — the count the service report
shows too.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis import fmt
from analysis.indicators.long import change_status, is_missing, status_notes, targets_summary
from analysis.indicators.service import LATE_FOR_CITIZEN, SATISFACTION_TARGET_VI
from analysis.reference.units import all_units
from analysis.report import html

# (index, code) -> (column heading, the long-format column shown, formatter), in the order shown. The plan's
# satisfaction target (> 95 %) is counted by QĐ 766's 5.4 (targets.csv, counted); SIPAS stands beside it.
PICKED: dict[tuple[str, str], tuple[str, str, Callable[[object], str]]] = {
    ("service", LATE_FOR_CITIZEN): ("Hồ sơ trễ hạn với người dân (II.06a, cột 10 + 13)", "value", fmt.number),
    ("service", "2.1"): ("Giải quyết đúng hạn (QĐ 766)", "value", fmt.percent),
    ("service", "apology.missing"): ("Trễ hạn chưa có phiếu xin lỗi", "value", fmt.number),
    ("service", "3.3"): ("Nộp trực tuyến", "value", fmt.percent),
    ("service", "4.2"): ("Số hóa hồ sơ", "value", fmt.percent),
    ("service", "5.4"): ("Hài lòng — 5.4 QĐ 766 (tính vào chỉ tiêu > 95 %)", "value", fmt.percent),
    ("sipas", "overall"): ("Hài lòng — SIPAS (khảo sát, đối chiếu)", "value", fmt.percent),
}
PAR_TOTAL = ("par", "total")
NOTES = [
    "Hồ sơ trễ hạn với người dân = đã trả quá hạn + đang giải quyết quá hạn (biểu II.06a, cột 10 + 13), đúng số "
    "của báo cáo chỉ số phục vụ; hồ sơ đã có kết quả đúng hạn nhưng công dân chưa đến nhận không tính là trễ.",
    SATISFACTION_TARGET_VI,
    "PAR INDEX: điểm kỳ này so với năm gốc (Cải thiện / Kém đi / Không đổi), và riêng số điểm vẫn đang mất so "
    "với điểm tối đa.",
    "Chỉ tiêu KH 23: số chỉ tiêu định lượng của Kế hoạch 23/KH-UBND (mỗi chỉ "
    "tiêu đếm một lần) mà đơn vị đạt; chỉ tiêu chưa có số liệu được ghi là không có dữ liệu, không bị bỏ qua.",
]


def units_table(rows: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of units.csv: each picked figure as "value (2023: baseline)" with its status, the PAR
    cell, and how many of the plan's targets (``targets``: plan.targets()) the unit meets."""
    table = pd.DataFrame({"unit": [u.unit for u in all_units()], "display": [u.display for u in all_units()]})
    for (index, code), (_, shown, formatter) in PICKED.items():
        picked = _picked(rows, index, code)
        table[code] = [
            _cell(
                picked[shown].get(u),
                picked["baseline"].get(u),
                picked["baseline_period"].get(u),
                formatter,
                picked["status"].get(u),
            )
            for u in table["unit"]
        ]
    par = _picked(rows, *PAR_TOTAL)
    table["par"] = [par_cell(par.loc[u]) if u in par.index else html.escape(fmt.NO_DATA) for u in table["unit"]]
    met = targets_summary(rows, targets).set_index("unit")
    table["met"] = [_met(met.loc[u]) if u in met.index else fmt.NO_DATA for u in table["unit"]]
    return table


def _picked(rows: pd.DataFrame, index: str, code: str) -> pd.DataFrame:
    return rows[(rows["index"] == index) & (rows["code"] == code)].set_index("unit")


def columns() -> dict[str, str]:
    """Frame column -> Vietnamese heading, for html.table(units_table(...), columns(), html_columns=...)."""
    picked = {code: heading for (_, code), (heading, _, _) in PICKED.items()}
    return {"display": "Đơn vị", **picked, "par": "PAR INDEX (điểm)", "met": "Chỉ tiêu KH 23 đạt"}


def html_columns() -> tuple[str, ...]:
    return (*(code for _, code in PICKED), "par")


def notes() -> str:
    """The overview's notes on method: how each column is read, and the status words."""
    lines = [*NOTES, *status_notes("met", "improving", "flat", "worse", "no_baseline", "no_data")]
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def _year(baseline_period: object) -> str:
    """ "2023" from "2023Q4", "2023-03" or "2023"."""
    return str(baseline_period)[:4]


def _cell(
    value: object, baseline: object, baseline_period: object, formatter: Callable[[object], str], status: object
) -> str:
    """ "97,3 % (2023: 93,1 %)" (escaped) and the row's status badge."""
    if is_missing(value):
        return html.escape(fmt.NO_DATA)
    text = formatter(value)
    if not is_missing(baseline):
        text += f" ({_year(baseline_period)}: {formatter(baseline)})"
    return html.escape(text) + (" " + html.status_badge(status) if not is_missing(status) else "")


def par_cell(row: pd.Series) -> str:
    """ "76,50 (2023: 62,10) Cải thiện; vẫn mất 23,50 điểm so với điểm tối đa": the change against the
    baseline, and apart from it the points still being lost (a ward that gained fifteen points is improving,
    even while it still loses points)."""
    points, baseline = row["points"], row["baseline"]
    if is_missing(points):
        return html.escape(fmt.NO_DATA)
    cell = _cell(points, baseline, row["baseline_period"], lambda v: fmt.number(v, 2), change_status(points, baseline))
    if is_missing(row["max_points"]):
        return cell
    lost = float(row["max_points"] - points)
    if lost > 0.005:
        return cell + html.escape(f"; vẫn mất {fmt.number(lost, 2)} điểm so với điểm tối đa")
    return cell + html.escape("; không mất điểm nào")


def _met(row: pd.Series) -> str:
    """ "đạt 3/10 (chưa đạt 5, không có dữ liệu 2)"."""
    text = f"đạt {int(row['met'])}/{int(row['targets'])}"
    if row["not_met"] or row["no_data"]:
        text += f" (chưa đạt {int(row['not_met'])}, không có dữ liệu {int(row['no_data'])})"
    return text
