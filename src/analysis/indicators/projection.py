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

import math
from dataclasses import dataclass
from datetime import date

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
    if count is None or is_missing(count) or fraction <= 0:
        return NONE
    x, z = float(count), z_value(confidence)
    rest = (1 - fraction) / fraction
    half = z * math.sqrt(x + z * z / 4)
    low_rate, high_rate = max(0.0, x + z * z / 2 - half), x + z * z / 2 + half
    return Projection(x / fraction, x + low_rate * rest, x + high_rate * rest)


def project_share(
    successes: float | None, n: float | None, fraction: float, survey: bool = False, confidence: float = 0.95
) -> Projection:
    """Year-end share in % from ``successes`` of ``n`` so far; a census mixes the known part in."""
    if successes is None or n is None or is_missing(successes) or is_missing(n) or n <= 0:
        return NONE
    p = float(successes) / float(n)
    low, high = (float(v) for v in wilson(successes, n, confidence))
    if not survey:
        low, high = fraction * p + (1 - fraction) * low, fraction * p + (1 - fraction) * high
    return Projection(100 * p, 100 * low, 100 * high)


def project(kind: str, value: float | None, n: float | None, fraction: float) -> Projection:
    """One long-format row's year-to-date ``value`` (a count, or a share in % of ``n``) -> its projection."""
    if kind == "count":
        return project_count(value, fraction)
    if kind == "stock":
        return NONE if value is None or is_missing(value) else Projection(float(value), float(value), float(value))
    if kind in ("share", "survey_share"):
        if value is None or n is None or is_missing(value) or is_missing(n):
            return NONE
        return project_share(round(float(value) * float(n) / 100, 6), n, fraction, survey=kind == "survey_share")
    raise ValueError(f"unknown projection kind {kind!r}; one of {KINDS}")


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
