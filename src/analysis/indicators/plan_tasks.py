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
    current = quarter_label(last)
    if progress is None:
        mine = pd.DataFrame(columns=["task", "period", "status", "evidence", "note"])
    else:
        in_year = (progress["period"] >= f"{last.year}Q1") & (progress["period"] <= current)
        mine = progress[(progress["unit"] == unit) & in_year]
    latest = mine.sort_values("period").groupby("task").tail(1).set_index("task")
    this_quarter = mine[mine["period"] == current].set_index("task")
    out = []
    for task in tasks.itertuples(index=False):
        recurring = pd.isna(task.due)
        entries = this_quarter if recurring else latest
        entry = entries.loc[task.id] if task.id in entries.index else None
        past_due = not recurring and task.due.date() <= last
        if entry is None:
            status = "no_data"
        elif entry["status"] == "done":
            status = "done"
        else:
            status = "overdue" if past_due else str(entry["status"])
        evidence = None if entry is None or pd.isna(entry["evidence"]) else str(entry["evidence"])
        out.append(
            {
                "task": task.id,
                "section": task.section,
                "text": task.text,
                "owner": task.owner,
                "deadline": task.deadline,
                "due": task.due,
                "codes": task.codes,
                "status": status,
                "reported": None if entry is None else str(entry["period"]),
                "evidence": evidence,
                "note": None if entry is None or pd.isna(entry["note"]) else str(entry["note"]),
                "past_due_without_evidence": past_due and not (status == "done" and evidence),
            }
        )
    return pd.DataFrame(out, columns=COLUMNS)
