"""Year-end projections of the plan's targets, with their uncertainty, and what "on track" means.

The part of the year already past is known; the rest is assumed to go on like the year so far:
- a **count** (late dossiers, missing apology letters): the year-to-date count ``x`` over a fraction ``f`` of
  the year extrapolates to ``x / f``; the interval adds to ``x`` the rest of the year at the ends of the
  Poisson score interval of the year-to-date rate, ``x + z²/2 ± z·√(x + z²/4)`` scaled by ``(1 − f) / f``;
- a **share** of a census (on-time, online, digitised dossiers: every dossier is counted): the year-to-date
  share ``p = s / n`` is the projection; the interval mixes the known part with the Wilson interval of ``p``
  for the rest, ``f·p + (1 − f)·[low, high]``;
- a **share from a survey** (SIPAS): the year-to-date share with its Wilson interval, the whole year being a
  sample;
- a **stock** (dossiers overdue at the period's end): the latest value; a stock is not extrapolated.
At the year's end (``f = 1``) a census figure is exact and its interval closes on it.

Year-end verdict, against the plan's target and comparison (">" 80, "<=" 0 …):
- ``on_track`` (Đúng hướng): both ends of the interval meet the target;
- ``at_risk`` (Có nguy cơ): the interval straddles the target;
- ``off_track`` (Chệch hướng): neither end meets it (a count target of zero is off track for good as soon as
  one case has happened);
- ``no_data``: nothing to project from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from analysis.indicators.intervals import wilson, z_value
from analysis.indicators.long import is_missing, target_met

KINDS = ("count", "share", "survey_share", "stock")
VERDICT_VI = {
    "on_track": "Đúng hướng",
    "at_risk": "Có nguy cơ",
    "off_track": "Chệch hướng",
    "no_data": "Không có dữ liệu",
}


@dataclass(frozen=True)
class Projection:
    value: float | None
    low: float | None
    high: float | None


NONE = Projection(None, None, None)


def year_fraction(last_day: date) -> float:
    """Share of the calendar year elapsed at the end of ``last_day`` (30/06/2024 -> 182/366)."""
    start = date(last_day.year, 1, 1)
    days = (date(last_day.year + 1, 1, 1) - start).days
    return ((last_day - start).days + 1) / days


def project_count(count: float | None, fraction: float, confidence: float = 0.95) -> Projection:
    """Year-end count from ``count`` cases in the first ``fraction`` of the year (see the module's note)."""
    return _one(_counts(_floats([count]), fraction, confidence))


def project_share(
    successes: float | None, n: float | None, fraction: float, survey: bool = False, confidence: float = 0.95
) -> Projection:
    """Year-end share in % from ``successes`` of ``n`` so far; a census mixes the known part in."""
    return _one(_shares(_floats([successes]), _floats([n]), fraction, np.array([survey]), confidence))


def project(kind: str, value: float | None, n: float | None, fraction: float) -> Projection:
    """One long-format row's year-to-date ``value`` (a count, or a share in % of ``n``) -> its projection."""
    if kind not in KINDS:
        raise ValueError(f"unknown projection kind {kind!r}; one of {KINDS}")
    return _one(projections([kind], [value], [n], fraction))


def projections(
    kinds: Sequence[str], values: Sequence, ns: Sequence, fraction: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``project`` of many rows at once: value, low and high arrays, NaN where nothing projects (a kind not in
    KINDS, e.g. "", projects nothing)."""
    kind, value, n = np.asarray(kinds, dtype=object), _floats(values), _floats(ns)
    out = np.full((3, len(kind)), np.nan)
    count = kind == "count"
    out[:, count] = _counts(value[count], fraction)
    stock = kind == "stock"
    out[:, stock] = value[stock]
    share = (kind == "share") | (kind == "survey_share")
    usable = share & ~np.isnan(value) & ~np.isnan(n)
    # the successes behind a share in % (rounded as a count read back from a percentage)
    successes = np.array([round(v * k / 100, 6) for v, k in zip(value[usable], n[usable])], dtype=float)
    out[:, usable] = _shares(successes, n[usable], fraction, kind[usable] == "survey_share")
    return out[0], out[1], out[2]


def _counts(x: np.ndarray, fraction: float, confidence: float = 0.95) -> np.ndarray:
    """Poisson projections of counts ``x`` (3 x len: value, low, high), NaN where ``x`` is missing."""
    if fraction <= 0:
        return np.full((3, len(x)), np.nan)
    z = z_value(confidence)
    rest = (1 - fraction) / fraction
    half = z * np.sqrt(x + z * z / 4)
    low_rate, high_rate = np.maximum(0.0, x + z * z / 2 - half), x + z * z / 2 + half
    return np.array([x / fraction, x + low_rate * rest, x + high_rate * rest]).reshape(3, len(x))


def _shares(
    successes: np.ndarray, n: np.ndarray, fraction: float, survey: np.ndarray, confidence: float = 0.95
) -> np.ndarray:
    """Share projections in % (3 x len), NaN where successes or n is missing or n is not positive."""
    usable = ~np.isnan(successes) & ~np.isnan(n) & (np.nan_to_num(n) > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / n
    low, high = wilson(successes, n, confidence)
    low = np.where(survey, low, fraction * p + (1 - fraction) * low)
    high = np.where(survey, high, fraction * p + (1 - fraction) * high)
    return np.where(usable, np.array([100 * p, 100 * low, 100 * high]).reshape(3, len(n)), np.nan)


def _floats(values: Sequence) -> np.ndarray:
    return np.array([np.nan if is_missing(v) else float(v) for v in values], dtype=float)


def _one(found: tuple[np.ndarray, ...] | np.ndarray) -> Projection:
    value, low, high = (None if np.isnan(v[0]) else float(v[0]) for v in found)
    return Projection(value, low, high)


def verdict(projection: Projection, target: float | None, comparison: str) -> str:
    """on_track / at_risk / off_track / no_data for a projection against the plan's target."""
    if is_missing(projection.value) or is_missing(target):
        return "no_data"
    low = projection.value if is_missing(projection.low) else projection.low
    high = projection.value if is_missing(projection.high) else projection.high
    ends = [target_met(low, target, comparison), target_met(high, target, comparison)]
    if all(ends):
        return "on_track"
    return "off_track" if not any(ends) else "at_risk"
