"""Where each dossier stands in a period — every field defined once, vectorised, on calendar dates.

Two date views (docs/methodology.md §1–§2), both kept and labelled:
- QĐ 766 (indicator 2.1) judges the **end of processing**: a dossier not finished by the period's last day is
  judged at that day; on time ⇔ end ≤ due date.
- Report form II.06a judges the **return date**: returned early / on time / late, or still in progress at the
  period's last day, within time or overdue.

Rules, applied here once and stated in the report's notes (docs/assumptions.md lists them with their sources):
- Status 1 (Mới đăng ký) and 3 (Không được tiếp nhận) are not accepted dossiers: counted nowhere.
- Resolved (06a.7–06a.10) needs a result: status 9/10 with a return date in the period. A withdrawn or stopped
  dossier (7/8) with a return date is closed, not resolved: never late for the citizen, no apology owed.
- Status 9 (Đã xử lý xong) finished on or before its due date but not yet collected is neither in progress nor
  overdue: the result waits for the citizen (``ready``, shown apart in II.06a). Finished after the due date and
  not collected, it stays overdue (late for the citizen).
- More than one supplement request (``supplement_requests`` > 1) makes a dossier late in 2.1 (QĐ 766's rule),
  where the export carries the count.
- A blank channel counts as in person (the portal's rule), in 06a.5 and 3.3 alike.
- End of processing = the finished date; where it is blank, the return date (a returned dossier was finished).
- A withdrawn (7) or stopped (8) dossier closes on its end of processing; when the export gives no date at
  all, on its received date — otherwise it would stay open, and be carried over, for ever.
- A dossier without a due date cannot be judged early, on time or late: it is counted apart (``no_due_*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.periods import Period

NOT_ACCEPTED = (1, 3)  # Mới đăng ký, Không được tiếp nhận
FINISHED = 9  # Đã xử lý xong: the result exists, the citizen may not have collected it yet
CLOSED_WITHOUT_RESULT = (7, 8)  # Công dân yêu cầu rút, Dừng xử lý
WITH_RESULT = (9, 10)  # Đã xử lý xong, Đã trả kết quả
DISLIKED = ("dissatisfied", "very_dissatisfied")
OPTIONAL_COLUMNS = (
    "channel",
    "paid_online",
    "apology_issued",
    "supplement_requests",
    "digitised",
    "e_result",
    "data_reused",
    "fee_required",
    "rating",
    "complaint",
)

NAT = np.datetime64("NaT", "D")


def _days(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A datetime column as calendar days (datetime64[D]); NaT where blank or where the column is absent."""
    if column not in frame:
        return np.full(len(frame), NAT)
    return frame[column].to_numpy(dtype="datetime64[us]").astype("datetime64[D]")


def _truth(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(is true, is known) for a yes/no column; an absent column is unknown everywhere."""
    if column not in frame:
        none = np.zeros(len(frame), dtype=bool)
        return none, none
    values = frame[column].astype("boolean")
    return values.to_numpy(dtype=bool, na_value=False), values.notna().to_numpy()


def _known(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].notna().to_numpy()


def _status(frame: pd.DataFrame) -> np.ndarray:
    if "status_code" not in frame:
        return np.full(len(frame), np.nan)
    return frame["status_code"].to_numpy(dtype="float64", na_value=np.nan)


def end_of_processing(dossiers: pd.DataFrame) -> np.ndarray:
    """Finished date, else return date, else — for a withdrawn or stopped dossier — its received date."""
    finished, returned, received = (_days(dossiers, c) for c in ("finished_at", "returned_at", "received_at"))
    end = np.where(np.isnat(finished), returned, finished)
    closed = np.isin(_status(dossiers), CLOSED_WITHOUT_RESULT)
    return np.where(closed & np.isnat(end), received, end)


def classify(dossiers: pd.DataFrame, period: Period, certification: np.ndarray | None = None) -> pd.DataFrame:
    """One row per dossier that can count in ``period`` (index from ``dossiers``; a dossier finished and
    returned before the period is left out): booleans for every count of the service index, plus the dates
    the late-dossier list shows. ``certification`` marks certification dossiers (3.3.chung_thuc).
    """
    first, last = np.datetime64(period.first, "D"), np.datetime64(period.last, "D")
    dossiers, certification = _may_count(dossiers, certification, first, last)
    received, due, returned = (_days(dossiers, c) for c in ("received_at", "due_at", "returned_at"))
    status = _status(dossiers)
    end = end_of_processing(dossiers)
    has_due = ~np.isnat(due)

    counted = ~np.isin(status, NOT_ACCEPTED)
    received_by_last = counted & (received <= last)
    received_in_p = received_by_last & (received >= first)
    received_before = received_by_last & (received < first)

    # QĐ 766, indicator 2.1: the end-of-processing view.
    handled = received_in_p | (received_before & ~(end < first))
    judged_on = np.where(end <= last, end, last)  # not finished within P -> judged at P's last day
    judged = handled & has_due
    supplements = _number(dossiers, "supplement_requests")
    resupplied = supplements > 1  # NaN (unknown) compares False
    on_time = judged & (judged_on <= due) & ~resupplied
    late = judged & ~on_time

    # Report form II.06a: the return-date view.
    withdrawn = np.isin(status, CLOSED_WITHOUT_RESULT)
    with_result = np.isin(status, WITH_RESULT) | np.isnan(status)  # no status in the export: dates alone
    carried_over = received_before & ~(returned < first) & ~(withdrawn & (end < first))
    in_form = received_in_p | carried_over
    returned_in_p = in_form & with_result & (returned >= first) & (returned <= last)
    closed_in_p = in_form & ~returned_in_p & withdrawn & (end <= last)
    open_ = in_form & ~returned_in_p & ~closed_in_p
    ready = open_ & has_due & (status == FINISHED) & (end <= last) & (end <= due)
    pending = open_ & ~ready
    resolved = returned_in_p & has_due
    in_progress = pending & has_due
    returned_late = resolved & (returned > due)
    overdue = in_progress & (due < last)
    late_for_citizen = returned_late | overdue

    online = _text_is(dossiers, "channel", "online")  # blank = in person, as the portal counts it
    channel_known = _known(dossiers, "channel")
    apology, apology_known = _truth(dossiers, "apology_issued")
    paid, paid_known = _truth(dossiers, "paid_online")
    fee, fee_known = _truth(dossiers, "fee_required")
    e_result, e_result_known = _truth(dossiers, "e_result")
    digitised, digitised_known = _truth(dossiers, "digitised")
    reused, reused_known = _truth(dossiers, "data_reused")
    complaint, complaint_known = _truth(dossiers, "complaint")
    disliked = _text_is(dossiers, "rating", *DISLIKED)
    rating_known = _known(dossiers, "rating")
    certified = np.zeros(len(dossiers), dtype=bool) if certification is None else certification
    result_in_p = counted & np.isin(status, WITH_RESULT) & (end >= first) & (end <= last)

    flags = {
        "received_in_p": received_in_p,
        # 2.1
        "handled": handled,
        "judged": judged,
        "on_time": on_time,
        "late": late,
        "no_due_766": handled & ~has_due,
        "late_resupplied": late & resupplied,
        # 06a
        "in_form": in_form,
        "carried_over": carried_over,
        "received_online": received_in_p & online,
        "received_offline": received_in_p & ~online,
        "channel_unknown": received_in_p & ~channel_known,
        "resolved": resolved,
        "returned_early": resolved & (returned < due),
        "returned_on_time": resolved & (returned == due),
        "returned_late": returned_late,
        "in_progress": in_progress,
        "within_time": in_progress & (due >= last),
        "overdue": overdue,
        "ready": ready,
        "closed_in_p": closed_in_p,
        "no_due_form": (returned_in_p | pending) & ~has_due,
        "late_for_citizen": late_for_citizen,
        "apology_known": late_for_citizen & apology_known,
        "apology_missing": late_for_citizen & apology_known & ~apology,
        # shares: denominator = the population whose export carries the columns the share needs
        "online_den": received_in_p,
        "online_num": received_in_p & online,
        "cert_den": received_in_p & certified,
        "cert_num": received_in_p & certified & online,
        "paid_den": received_in_p & fee & paid_known,
        "paid_num": received_in_p & fee & paid_known & paid,
        "result_in_p": result_in_p,
        "e_result_den": result_in_p & e_result_known,
        "e_result_num": result_in_p & e_result_known & e_result,
        "digitised_den": handled & digitised_known & e_result_known,
        "digitised_num": handled & digitised_known & e_result_known & digitised & e_result,
        "reuse_den": received_in_p & reused_known,
        "reuse_num": received_in_p & reused_known & reused,
        "feedback_known": judged & (complaint_known | rating_known),
        "complaint_or_disliked": judged & (complaint | disliked),
        # which optional columns the export carried, among the dossiers of the period
        **{f"known_{c}": (in_form | handled) & _known(dossiers, c) for c in OPTIONAL_COLUMNS},
        "fee_known": received_in_p & fee_known,
        "certification": received_in_p & certified,
    }
    frame = pd.DataFrame(flags, index=dossiers.index)
    frame.insert(0, "unit", dossiers["unit"])
    frame["judged_on"] = pd.Series(judged_on, index=dossiers.index).astype("datetime64[us]")
    # late on its dates only: a dossier late for its supplement requests alone has no days late (NA)
    frame["days_late_766"] = _day_count(judged_on - due, late & (judged_on > due), dossiers.index)
    frame["days_late_citizen"] = _day_count(
        np.where(returned_in_p, returned, last) - due, late_for_citizen, dossiers.index
    )
    frame["handling_days"] = _day_count(end - received, result_in_p, dossiers.index)
    return frame


def _may_count(
    dossiers: pd.DataFrame, certification: np.ndarray | None, first: np.datetime64, last: np.datetime64
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Only the dossiers that can count in the period: received by its last day, less those received before
    it that were finished and returned, or closed, before its first day (speed only: every population of
    ``classify`` lies inside), and less the dossiers ingest flagged ``date_doubtful`` (returned, finished or
    due before received, …): they count nowhere here, and the data-quality report gives their number."""
    received, returned = _days(dossiers, "received_at"), _days(dossiers, "returned_at")
    end = end_of_processing(dossiers)
    closed = np.isin(_status(dossiers), CLOSED_WITHOUT_RESULT)
    gone = (received < first) & (end < first) & ((returned < first) | closed)
    doubtful, _ = _truth(dossiers, "date_doubtful")
    keep = np.flatnonzero((received <= last) & ~gone & ~doubtful)
    if len(keep) == len(dossiers):
        return dossiers, certification
    return dossiers.iloc[keep], (None if certification is None else certification[keep])


def _number(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A numeric column as float64, NaN where blank or where the column is absent."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    return frame[column].to_numpy(dtype="float64", na_value=np.nan)


def _text_is(frame: pd.DataFrame, column: str, *values: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].isin(values).to_numpy(dtype=bool, na_value=False)


def _day_count(delta: np.ndarray, where: np.ndarray, index: pd.Index) -> pd.Series:
    """Whole days where ``where`` holds, NA elsewhere."""
    days = np.where(where, delta.astype("timedelta64[D]"), np.timedelta64("NaT", "D")).astype("float64")
    days[~where] = np.nan
    return pd.Series(days, index=index).astype("Int64")


def counts(flags: pd.DataFrame, by: str | list[str] = "unit") -> pd.DataFrame:
    """Sum the boolean flags per group (dossier counts), vectorised; rows without a group key are left out."""
    columns = [c for c in flags.columns if flags[c].dtype == bool]
    return flags.groupby(by, sort=True, observed=True)[columns].sum()
