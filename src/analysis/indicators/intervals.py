"""Confidence intervals for survey figures: Wilson for a share, a respondent bootstrap for indices built from shares.

A ward surveys 40-60 citizens a quarter, so every percentage carries real uncertainty; these intervals are what
keeps a report from calling a change of a few points "improving". Pure numpy: arrays in, arrays out.
"""

from __future__ import annotations

from fractions import Fraction
from statistics import NormalDist

import numpy as np


def z_value(confidence: float) -> float:
    """Two-sided normal quantile: 0.95 -> 1.959963984540054."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of successes / n, as proportions (0-1); NaN where n is 0.

    Chosen over the normal approximation because it stays inside 0-1 and behaves at shares near 100 %,
    which is exactly where a 95 % target puts the interesting cases.
    """
    s = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    empty = n <= 0
    low = np.where(empty, np.nan, np.clip(centre - half, 0.0, 1.0))
    high = np.where(empty, np.nan, np.clip(centre + half, 0.0, 1.0))
    return low, high


def min_n_to_confirm(target_pct: float, confidence: float = 0.95, comparison: str = ">") -> float:
    """The fewest answers with which even 100 % satisfied could confirm a share beyond ``target_pct``: the
    Wilson lower bound of n/n is n / (n + z²), beyond t once n > t·z² / (1 − t) (95 % -> 73). inf when t ≥ 1.

    The SIPAS boundary rule uses it for criteria, elements and the index alike, so a bootstrap interval that
    collapses to [100, 100] on ten forms cannot call an element "met" where a criterion never could."""
    t = target_pct / 100
    if t >= 1:
        return float("inf")
    if t <= 0:
        return 1.0
    bound = t * z_value(confidence) ** 2 / (1 - t)
    return float(np.floor(bound) + 1 if comparison == ">" else max(np.ceil(bound), 1))


def resample_weights(respondents: int, replicates: int, seed: int) -> np.ndarray:
    """How often each respondent is drawn in each bootstrap replicate (replicates x respondents).

    Drawing n of n forms with replacement, counted per form: weighting answer counts by these counts is the
    same as resampling whole forms, and it keeps the bootstrap one matrix product.
    """
    if respondents == 0:
        return np.zeros((replicates, 0))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, respondents, size=(replicates, respondents))
    flat = (draws + np.arange(replicates)[:, None] * respondents).ravel()  # replicate b's draws -> block b
    counts = np.bincount(flat, minlength=replicates * respondents).reshape(replicates, respondents)
    return counts.astype(np.float32)  # exact for counts below 2**24, and half the work in the products


def percentile_interval(replicates: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring replicates where the figure could not be computed."""
    values = np.asarray(replicates, dtype=float)
    tail = (1 - confidence) / 2 * 100
    usable = ~np.isnan(values)
    low = np.full(values.shape[1:], np.nan)
    high = np.full(values.shape[1:], np.nan)
    complete, partial = usable.all(axis=0), usable.any(axis=0) & ~usable.all(axis=0)
    if complete.any():  # the same arithmetic as nanpercentile's, in one call rather than column by column
        low[complete], high[complete] = np.percentile(values[:, complete], [tail, 100 - tail], axis=0)
    if partial.any():
        low[partial] = np.nanpercentile(values[:, partial], tail, axis=0)
        high[partial] = np.nanpercentile(values[:, partial], 100 - tail, axis=0)
    return low, high


def answers_short_of_target(satisfied, n, target: float, comparison: str = ">") -> np.ndarray:
    """How many more satisfied answers, at the same n, would have met the target (0 when met).

    With comparison ">" ("trên 95 %") the smallest k with (s + k) / n > target / 100; with ">=" the smallest
    k with (s + k) / n >= target / 100. Exact rational arithmetic, so 19/20 is not "above 95 %".
    NaN where n is 0 or where even n of n satisfied would not meet the target (e.g. "> 100 %").
    """
    s, n = np.broadcast_arrays(np.asarray(satisfied, dtype=float), np.asarray(n, dtype=float))
    share = Fraction(str(target)) / 100
    num, den = share.numerator, share.denominator
    if comparison not in (">", ">="):
        raise ValueError(f"comparison {comparison!r}: a satisfaction target is reached from below ('>' or '>=')")
    usable = ~np.isnan(s) & ~np.isnan(n) & (np.nan_to_num(n) > 0)
    s_int = np.where(usable, s, 0).astype(np.int64)
    n_int = np.where(usable, n, 0).astype(np.int64)
    if comparison == ">":
        needed = (num * n_int) // den + 1  # smallest integer strictly above num * n / den
    else:
        needed = -((-num * n_int) // den)  # ceiling of num * n / den
    reachable = usable & (needed <= n_int)
    return np.where(reachable, np.maximum(needed - s_int, 0), np.nan)


def difference_interval(value_a, low_a, high_a, value_b, low_b, high_b) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a - b for two independent groups, built from each group's own interval (MOVER).

    With Wilson intervals this is Newcombe's method 10 (Statistics in Medicine 17:873, 1998); with bootstrap
    intervals it is Zou & Donner's MOVER. A group is "clearly lower" than the others when the upper end < 0.
    """
    a, la, ha, b, lb, hb = (np.asarray(x, dtype=float) for x in (value_a, low_a, high_a, value_b, low_b, high_b))
    difference = a - b
    lower = difference - np.sqrt((a - la) ** 2 + (hb - b) ** 2)
    upper = difference + np.sqrt((ha - a) ** 2 + (b - lb) ** 2)
    return lower, upper
