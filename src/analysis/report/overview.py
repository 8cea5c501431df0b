"""The city overview: one line per unit with the figures the Interior Department compares first.

Everything comes from the long-format rows of the batch (collect.all_rows), so the overview never computes an
index itself: it picks, sums the two "late for the citizen" counts, and counts the plan targets met.
"""
from __future__ import annotations

import pandas as pd

from analysis.indicators.long import is_missing, status_for
from analysis import fmt
from analysis.report import html
from analysis.units import all_units

# (index, code) -> (column heading, the long-format column shown, formatter), in the order shown. PAR shows
# points, because its baseline is the 2023 points (a share would not compare with it).
PICKED = {
    ("service", "2.1"): ("Giải quyết đúng hạn (QĐ 766)", "value", fmt.percent),
    ("service", "apology.missing"): ("Trễ hạn chưa có phiếu xin lỗi", "value", fmt.number),
    ("service", "3.3"): ("Nộp trực tuyến", "value", fmt.percent),
    ("service", "4.2"): ("Số hóa hồ sơ", "value", fmt.percent),
    ("sipas", "overall"): ("Hài lòng (SIPAS)", "value", fmt.percent),
    ("par", "total"): ("PAR INDEX (điểm)", "points", lambda v: fmt.number(v, 2)),
}
LATE_CODES = ("06a.10", "06a.13")  # returned late + still open past the due date: late for the citizen


def late_for_citizen(rows: pd.DataFrame) -> pd.DataFrame:
    """unit, value, baseline: 06a.10 + 06a.13 per unit (NA when either count is missing)."""
    late = rows[(rows["index"] == "service") & rows["code"].isin(LATE_CODES)]
    summed = late.groupby("unit")[["value", "baseline"]].sum(min_count=len(LATE_CODES))
    return summed.reset_index()


def targets_met(rows: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """unit, met, judged: of the plan's targeted components (plan/targets.csv) that have a value, how many
    meet their target."""
    keys = set(zip(targets["index"], targets["code"]))
    targeted = pd.Series([(i, c) in keys for i, c in zip(rows["index"], rows["code"])], index=rows.index)
    judged = rows[targeted & rows["value"].notna()]
    counts = judged.assign(met=judged["status"] == "met").groupby("unit")["met"].agg(["sum", "size"])
    return counts.rename(columns={"sum": "met", "size": "judged"}).reset_index()


def units_table(rows: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of units.csv: each picked figure as "value (2023: baseline)" with its status, and
    how many of the plan's targets (``targets``: plan.targets()) the unit meets."""
    table = pd.DataFrame({"unit": [u.unit for u in all_units()],
                          "display": [u.display for u in all_units()]})
    late = late_for_citizen(rows).set_index("unit")
    table["late"] = [_cell(late["value"].get(u), late["baseline"].get(u), fmt.number,
                           status_for(late["value"].get(u), 0, "<=", late["baseline"].get(u)))
                     for u in table["unit"]]
    for (index, code), (_, shown, formatter) in PICKED.items():
        picked = rows[(rows["index"] == index) & (rows["code"] == code)].set_index("unit")
        table[code] = [_cell(picked[shown].get(u), picked["baseline"].get(u), formatter, picked["status"].get(u))
                       for u in table["unit"]]
    met = targets_met(rows, targets).set_index("unit")
    table["met"] = [f"{int(met['met'][u])}/{int(met['judged'][u])}" if u in met.index else fmt.NO_DATA
                    for u in table["unit"]]
    return table


def columns() -> dict[str, str]:
    """Frame column -> Vietnamese heading, for html.table(units_table(...), columns(), html_columns=...)."""
    picked = {code: heading for (_, code), (heading, _, _) in PICKED.items()}
    return {"display": "Đơn vị", "late": "Hồ sơ trễ hạn với người dân", **picked,
            "met": "Chỉ tiêu KH 23 đạt"}


def html_columns() -> tuple[str, ...]:
    return ("late", *(code for _, code in PICKED))


def _cell(value: object, baseline: object, formatter, status: object) -> str:
    """"97,3 % (2023: 93,1 %)" (escaped) and the row's status badge."""
    if is_missing(value):
        return html.escape(fmt.NO_DATA)
    text = formatter(value)
    if not is_missing(baseline):
        text += f" (2023: {formatter(baseline)})"
    return html.escape(text) + (" " + html.status_badge(status) if not is_missing(status) else "")
