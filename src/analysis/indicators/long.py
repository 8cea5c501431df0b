"""The one long format every index produces, and the rules for gaps and status shared by all of them.

A row is one component of one index for one unit and period (a task of the plan: ``index = plan``).
``projected``/``projected_low``/``projected_high`` are the year-end projection of a targeted row and its
interval (indicators/projection.py); ``deadline`` is the plan's deadline for the row's component or task.
``gap_to_target`` is the shortfall in the component's own measure: positive = still short of the target, zero
or negative = target met (by that margin).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.store.schemas import LONG
from analysis.values import is_missing

# The columns and their types are declared once, in analysis.schemas (LONG), which the indicator table is checked
# against; these lists are read from it.
LONG_COLUMNS = list(LONG.columns)
NUMERIC_COLUMNS = [c for c, dtype in LONG.columns.items() if dtype == "Float64"]
TEXT_COLUMNS = [c for c in LONG_COLUMNS if c not in NUMERIC_COLUMNS]

# The closed status vocabulary: the word every report shows, and what it means — written once, here, and
# printed in each report's notes on method (status_notes) and in docs/status.md.
STATUS_VI = {
    "met": "Đạt chỉ tiêu",
    "improving": "Cải thiện",
    "flat": "Không đổi",
    "worse": "Kém đi",
    "no_baseline": "Chưa có số liệu năm gốc",
    "no_data": "Không có dữ liệu",
    "recovered": "Đã khắc phục",
    "still_lost": "Vẫn mất điểm",
    "newly_lost": "Mới mất điểm",
    "full": "Đạt tối đa",
    "above_median": "Trên trung vị toàn quốc",
    "above_p75": "Trên phân vị 75 toàn quốc",
    "above_next_group": "Đạt ngưỡng nhóm xếp hạng cao hơn",
    # tasks of the plan (index "plan"), see indicators/plan_tasks.py
    "done": "Đã thực hiện",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
    "overdue": "Quá hạn",
}
STATUS_MEANING_VI = {
    "met": "giá trị đạt chỉ tiêu số của Kế hoạch 23/KH-UBND; với số liệu khảo "
    "sát, chỉ khi cả khoảng tin cậy vượt chỉ tiêu và đủ cỡ mẫu tối thiểu",
    "improving": "chưa đạt chỉ tiêu (hoặc không có chỉ tiêu), nhưng tốt hơn cùng kỳ năm gốc; với số liệu khảo "
    "sát, khi cả khoảng tin cậy nằm về phía tốt hơn",
    "flat": "chưa đạt chỉ tiêu (hoặc không có chỉ tiêu), không khác cùng kỳ năm gốc (số liệu khảo sát: khoảng "
    "tin cậy vẫn chứa mức năm gốc)",
    "worse": "chưa đạt chỉ tiêu (hoặc không có chỉ tiêu), và kém hơn cùng kỳ năm gốc",
    "no_baseline": "có số liệu kỳ này nhưng không có số liệu năm gốc để so sánh; chưa đạt chỉ tiêu nếu có chỉ tiêu",
    "no_data": "không có số liệu để tính — không bao giờ được hiểu là 0",
    "recovered": "PAR INDEX: năm gốc bị mất điểm, năm nay không còn mất",
    "still_lost": "PAR INDEX: mất điểm ở cả năm gốc và năm nay (có thể ít hơn hoặc nhiều hơn)",
    "newly_lost": "PAR INDEX: năm gốc không mất điểm, năm nay mất",
    "full": "PAR INDEX: không mất điểm ở cả hai năm",
    "above_median": "PAPI: điểm từ trung vị toàn quốc trở lên — mốc so sánh dự án tự chọn, kế hoạch không đặt "
    "chỉ tiêu số cho PAPI, nên đây không phải “đạt chỉ tiêu”",
    "above_p75": "PAPI: điểm từ phân vị 75 toàn quốc trở lên — mốc so sánh dự án tự chọn, không phải chỉ tiêu",
    "above_next_group": "PAPI: điểm từ ngưỡng của nhóm xếp hạng cao hơn trở lên — mốc so sánh dự án tự chọn, "
    "không phải chỉ tiêu",
    "done": "nhiệm vụ của Kế hoạch: đơn vị báo cáo đã thực hiện (sổ theo dõi tiến độ)",
    "in_progress": "nhiệm vụ của Kế hoạch: đang thực hiện, chưa đến thời hạn",
    "not_started": "nhiệm vụ của Kế hoạch: chưa thực hiện, chưa đến thời hạn",
    "overdue": "nhiệm vụ của Kế hoạch: đã qua thời hạn mà chưa thực hiện xong",
}


def status_notes(*statuses: str) -> list[str]:
    """ "Đạt chỉ tiêu: …" for each status a report uses, in the order given (the reports' notes on method)."""
    return [f"“{STATUS_VI[s]}”: {STATUS_MEANING_VI[s]}." for s in statuses]


def targets_summary(rows: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """unit, targets, met, not_met, no_data: the plan's counted targets (targets.csv rows with counted = 1) per
    unit — the one count of "targets met" every report shows. A target whose row is missing counts as no data."""
    counted = targets.loc[targets["counted"].astype(int) == 1] if "counted" in targets else targets
    keys = pd.MultiIndex.from_frame(counted[["index", "code"]])
    picked = rows.loc[pd.MultiIndex.from_frame(rows[["index", "code"]]).isin(keys)]
    status = picked["status"].astype("string")
    table = pd.DataFrame(
        {"unit": picked["unit"], "met": status == "met", "no_data": status.isna() | (status == "no_data")}
    )
    table["not_met"] = ~table["met"] & ~table["no_data"]
    found = table.groupby("unit")[["met", "not_met", "no_data"]].sum()
    found = found.reindex(sorted(set(rows["unit"].dropna())), fill_value=0).rename_axis("unit")
    found["targets"] = len(keys)
    found["no_data"] += found["targets"] - found[["met", "not_met", "no_data"]].sum(axis=1)
    return found.reset_index()[["unit", "targets", "met", "not_met", "no_data"]]


# How a value is compared with its target; the plan says "trên 80 %" (strictly above) and "không có" (zero).
COMPARISONS = {">": lambda v, t: v > t, ">=": lambda v, t: v >= t, "<": lambda v, t: v < t, "<=": lambda v, t: v <= t}


def gap_to_target(value: float | None, target: float | None, comparison: str = ">=") -> float | None:
    """Shortfall to the target in the value's own unit (positive = short); None when either is missing."""
    if value is None or target is None or is_missing(value) or is_missing(target):
        return None
    return float(target - value) if comparison in (">", ">=") else float(value - target)


def target_met(value: float | None, target: float | None, comparison: str = ">=") -> bool | None:
    if is_missing(value) or is_missing(target):
        return None
    return bool(COMPARISONS[comparison](value, target))


def change_status(value: float | None, baseline: float | None, higher_is_better: bool = True) -> str:
    """improving / flat / worse against the baseline for exact (non-survey) figures."""
    if value is None or is_missing(value):
        return "no_data"
    if baseline is None or is_missing(baseline):
        return "no_baseline"
    delta = value - baseline
    if abs(delta) < 1e-9:
        return "flat"
    return "improving" if (delta > 0) == higher_is_better else "worse"


def status_for(value: float | None, target: float | None, comparison: str, baseline: float | None) -> str:
    """One status per row: no_data, else met when the target is met, else the direction since the baseline."""
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
