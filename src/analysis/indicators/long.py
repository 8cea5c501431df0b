"""The one long format every index produces, and the rules for gaps and status shared by all of them.

A row is one component of one index for one unit and period (a task of the plan: ``index = plan``).
``projected``/``projected_low``/``projected_high`` are the year-end projection of a targeted row and its
interval (indicators/projection.py); ``deadline`` is the plan's deadline for the row's component or task.
``gap_to_target`` is the shortfall in the component's own measure: positive = still short of the target, zero
or negative = target met (by that margin).
"""
from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

LONG_COLUMNS = [
    "period", "unit", "index", "code", "name", "level", "value", "measure", "max_points", "points",
    "baseline", "baseline_period", "target", "gap_to_target", "change_vs_baseline", "status", "n",
    "ci_low", "ci_high", "owner", "note", "projected", "projected_low", "projected_high", "deadline",
]
NUMERIC_COLUMNS = [
    "value", "max_points", "points", "baseline", "target", "gap_to_target", "change_vs_baseline", "n",
    "ci_low", "ci_high", "projected", "projected_low", "projected_high",
]
TEXT_COLUMNS = [c for c in LONG_COLUMNS if c not in NUMERIC_COLUMNS]

# The closed status vocabulary, with the words the reports use.
STATUS_VI = {
    "met": "Đạt chỉ tiêu",
    "improving": "Cải thiện",
    "flat": "Không đổi",
    "worse": "Kém đi",
    "no_baseline": "Chưa có số liệu 2023",
    "no_data": "Không có dữ liệu",
    "recovered": "Đã khắc phục",
    "still_lost": "Vẫn mất điểm",
    "newly_lost": "Mới mất điểm",
    "full": "Đạt tối đa",
    # tasks of the plan (index "plan"), see indicators/plan_tasks.py
    "done": "Đã thực hiện",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
    "overdue": "Quá hạn",
}

# How a value is compared with its target; the plan says "trên 80 %" (strictly above) and "không có" (zero).
COMPARISONS = {">": lambda v, t: v > t, ">=": lambda v, t: v >= t, "<": lambda v, t: v < t,
               "<=": lambda v, t: v <= t}


def is_missing(value: object) -> bool:
    """None, NA, NaN and NaT alike: the one test of "no value" used by indicators and reports."""
    return value is None or bool(pd.api.types.is_scalar(value) and pd.isna(value))


def gap_to_target(value: float | None, target: float | None, comparison: str = ">=") -> float | None:
    """Shortfall to the target in the value's own unit (positive = short); None when either is missing."""
    if is_missing(value) or is_missing(target):
        return None
    return float(target - value) if comparison in (">", ">=") else float(value - target)


def target_met(value: float | None, target: float | None, comparison: str = ">=") -> bool | None:
    if is_missing(value) or is_missing(target):
        return None
    return bool(COMPARISONS[comparison](value, target))


def change_status(value: float | None, baseline: float | None, higher_is_better: bool = True) -> str:
    """improving / flat / worse against the baseline for exact (non-survey) figures."""
    if is_missing(value):
        return "no_data"
    if is_missing(baseline):
        return "no_baseline"
    delta = value - baseline
    if abs(delta) < 1e-9:
        return "flat"
    return "improving" if (delta > 0) == higher_is_better else "worse"


def status_for(value: float | None, target: float | None, comparison: str, baseline: float | None) -> str:
    """One status per row: no_data, else met when the target is met, else the direction since 2023."""
    if is_missing(value):
        return "no_data"
    if target_met(value, target, comparison):
        return "met"
    return change_status(value, baseline, higher_is_better=comparison in (">", ">="))


def long_frame(rows: Iterable[Mapping] | pd.DataFrame) -> pd.DataFrame:
    """Rows (dicts or a frame) -> a frame with exactly LONG_COLUMNS (extra keys are an error), typed."""
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    unknown = set(frame.columns) - set(LONG_COLUMNS)
    if unknown:
        raise ValueError(f"not long-format columns: {sorted(unknown)}")
    for column in LONG_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame = frame[LONG_COLUMNS]
    for column in NUMERIC_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype("Float64")
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].astype("string")
    return frame.reset_index(drop=True)


def concat_long(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return long_frame([])
    return long_frame(pd.concat(frames, ignore_index=True))
