"""The one-stop desk's action list: open dossiers about to fall late, and late ones still owing an apology.

As of the export's snapshot date — the latest day anything happened to an accepted dossier of the unit's exports
(received, finished or returned), leaving out rows ingest flagged ``date_doubtful`` (one typed 03/12/2025 in a
2024 export would make every open dossier weeks late) and never after the day of ingest — a dossier is listed when
- it is open (in progress, with a due date) and due within the next N working days (Monday–Friday outside the
  public holidays of plan/public_holidays.csv; due today counts as 0 working days left), or
- it is late for the citizen (overdue, or returned late that day) and the export says no apology letter was
  issued.
Lateness comes from ``timeliness.classify`` over the one-day span of the snapshot date, so the status rules
are those of the service index. Only the dossier id, procedure and dates are listed: never personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.indicators.timeliness import NOT_ACCEPTED, classify

EVENT_COLUMNS = ("received_at", "finished_at", "returned_at")
COLUMNS = [
    "unit",
    "dossier_id",
    "procedure_name",
    "received_at",
    "due_at",
    "situation",
    "working_days_left",
    "days_overdue",
]
SITUATION_VI = {"due_soon": "Sắp đến hạn", "late_no_apology": "Đã trễ hạn, chưa có phiếu xin lỗi"}


@dataclass(frozen=True)
class Span:
    """A period for ``classify`` that is any run of days (here one day: the snapshot date)."""

    first: date
    last: date


def snapshot_date(dossiers: pd.DataFrame, today: date | None = None) -> date | None:
    """The latest received, finished or returned day of the accepted dossiers without doubtful dates, capped at
    ``today`` (the day of ingest; default: now); None when no such dossier has a date."""
    usable = pd.Series(True, index=dossiers.index)
    if "status_code" in dossiers:
        usable &= ~dossiers["status_code"].isin(NOT_ACCEPTED).fillna(False).astype(bool)
    if "date_doubtful" in dossiers:
        usable &= ~dossiers["date_doubtful"].fillna(False).astype(bool)
    rows = dossiers[usable]
    days = [rows[c].max() for c in EVENT_COLUMNS if c in rows and rows[c].notna().any()]
    if not days:
        return None
    return min(max(days).date(), today or date.today())


def working_days_after(start: date, end: pd.Series, holidays: Iterable[date]) -> pd.Series:
    """Working days after ``start`` up to and including each ``end`` (0 when ``end`` is ``start``)."""
    first = np.datetime64(start, "D") + 1
    last = end.to_numpy(dtype="datetime64[us]").astype("datetime64[D]") + 1
    blank = np.isnat(last)
    count = np.busday_count(
        np.full(len(last), first),
        np.maximum(np.where(blank, first, last), first),
        holidays=np.array(list(holidays), dtype="datetime64[D]"),
    )
    return pd.Series(count, index=end.index, dtype="Int64").mask(blank)


def action_list(dossiers: pd.DataFrame, as_of: date, working_days: int, holidays: Iterable[date]) -> pd.DataFrame:
    """Dossiers due within ``working_days`` working days of ``as_of`` and late ones without an apology letter,
    late first (most days overdue first), then by due date."""
    if dossiers.empty:
        return pd.DataFrame(columns=COLUMNS)
    flags = classify(dossiers, Span(as_of, as_of))  # type: ignore[arg-type]  # classify reads first/last only
    holidays = list(holidays)
    rows = dossiers.loc[flags.index]
    left = working_days_after(as_of, rows["due_at"], holidays)
    due_soon = flags["in_progress"] & flags["within_time"] & (left <= working_days).fillna(False)
    late = flags["apology_missing"]
    chosen = rows[due_soon | late]
    out = pd.DataFrame(
        {
            "unit": chosen["unit"],
            "dossier_id": chosen["dossier_id"],
            "procedure_name": chosen.get("procedure_name"),
            "received_at": chosen["received_at"],
            "due_at": chosen["due_at"],
            "situation": np.where(late[chosen.index], "late_no_apology", "due_soon"),
            "working_days_left": left[chosen.index].where(~late[chosen.index]),
            "days_overdue": flags.loc[chosen.index, "days_late_citizen"],
        }
    )
    out["situation"] = out["situation"].astype("string")
    order = out.assign(_late=out["situation"] == "late_no_apology")
    order = order.sort_values(["_late", "days_overdue", "due_at", "dossier_id"], ascending=[False, False, True, True])
    return order[COLUMNS].reset_index(drop=True)
