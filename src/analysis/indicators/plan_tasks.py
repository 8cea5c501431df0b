"""Where each task of the plan stands for a unit at the end of a period, from the analysts' progress log.

Rules (stated in the scorecard's notes):
- the entry that counts is the unit's latest one for the task in the plan's year up to the period; for a
  recurring task ("Thường xuyên", "Hằng ngày") only the period's own quarter counts, since it must be done
  again every quarter;
- ``done`` (Đã thực hiện) when that entry says done; ``overdue`` (Quá hạn) when it says in progress or not
  started and the deadline has passed by the period's last day; otherwise ``in_progress`` / ``not_started``;
- ``no_data`` when the unit has not reported the task: never counted as not done. A task past its deadline
  without a "done" entry carrying a document is flagged ``past_due_without_evidence`` either way.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

STATUS_VI = {
    "done": "Đã thực hiện",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
    "overdue": "Quá hạn",
    "no_data": "Chưa báo cáo",
}
COLUMNS = [
    "task",
    "section",
    "text",
    "owner",
    "deadline",
    "due",
    "codes",
    "status",
    "reported",
    "evidence",
    "note",
    "past_due_without_evidence",
]


def quarter_label(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def task_status(tasks: pd.DataFrame, progress: pd.DataFrame | None, unit: str, first: date, last: date) -> pd.DataFrame:
    """One row per task of ``tasks`` (plan.tasks()) for ``unit`` in the period ``first``–``last``."""
    return task_statuses(tasks, progress, [unit], first, last).drop(columns="unit")


def task_statuses(
    tasks: pd.DataFrame, progress: pd.DataFrame | None, units: list[str], first: date, last: date
) -> pd.DataFrame:
    """``task_status`` of every unit in ``units``, unit after unit, in one table (``unit`` first)."""
    current = quarter_label(last)
    grid = pd.DataFrame(
        {"unit": np.repeat(np.array(units, dtype=object), len(tasks)), "task": list(tasks["id"]) * len(units)}
    )
    recurring = np.tile(tasks["due"].isna().to_numpy(), len(units))
    past_due = np.tile((tasks["due"].dt.normalize() <= pd.Timestamp(last)).to_numpy(), len(units)) & ~recurring
    fields = ["unit", "task", "period", "status", "evidence", "note"]
    if progress is None:
        mine = pd.DataFrame(columns=fields)
    else:
        in_year = (progress["period"] >= f"{last.year}Q1") & (progress["period"] <= current)
        mine = progress.loc[progress["unit"].isin(units) & in_year, fields].astype(object)
    # the unit's latest entry for the task in the year; a recurring task counts its entry of this quarter only
    latest = mine.sort_values(["unit", "task", "period"]).drop_duplicates(["unit", "task"], keep="last")
    this_quarter = mine[mine["period"] == current]
    entry = pd.DataFrame(
        np.where(
            recurring[:, None],
            grid.merge(this_quarter, on=["unit", "task"], how="left")[fields[2:]].to_numpy(),
            grid.merge(latest, on=["unit", "task"], how="left")[fields[2:]].to_numpy(),
        ),
        columns=fields[2:],
    )
    found = entry["period"].notna().to_numpy()
    done = found & (entry["status"] == "done").to_numpy()
    status = np.where(~found, "no_data", np.where(done, "done", np.where(past_due, "overdue", entry["status"])))
    evidence, note, reported = (
        [None if pd.isna(v) else str(v) for v in entry[column]] for column in ("evidence", "note", "period")
    )
    proven = done & np.array([bool(e) for e in evidence], dtype=bool)
    repeat = {column: list(tasks[column]) * len(units) for column in ("section", "text", "owner", "deadline", "codes")}
    return pd.DataFrame(
        {
            "unit": list(grid["unit"]),
            "task": list(grid["task"]),
            **{column: repeat[column] for column in ("section", "text", "owner", "deadline")},
            "due": np.tile(tasks["due"].to_numpy(), len(units)),
            "codes": repeat["codes"],
            "status": [str(v) for v in status],
            "reported": reported,
            "evidence": evidence,
            "note": note,
            "past_due_without_evidence": past_due & ~proven,
        },
        columns=["unit", *COLUMNS],
    )
