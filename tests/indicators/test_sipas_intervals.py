"""Intervals for survey figures: every expected number is worked out by hand or taken from a published source."""

import numpy as np
import pytest

from analysis.indicators import intervals


def test_z_value_is_the_normal_quantile():
    # Standard normal table: P(Z <= 1.959964) = 0.975, the two-sided 95 % quantile.
    assert intervals.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)


def test_wilson_45_of_50_worked_by_hand():
    # p = 0.9, n = 50, z = 1.959964, z^2 = 3.841459
    # denominator = 1 + z^2/n = 1.0768292
    # centre = (p + z^2/(2n)) / denominator = (0.9 + 0.0384146) / 1.0768292 = 0.871462
    # half = z * sqrt(p(1-p)/n + z^2/(4 n^2)) / denominator
    #      = 1.959964 * sqrt(0.0018 + 0.000384146) / 1.0768292 = 1.959964 * 0.0467349 / 1.0768292 = 0.085064
    # interval = 0.786398 .. 0.956526
    low, high = intervals.wilson(45, 50)
    assert float(low) == pytest.approx(0.786398, abs=2e-6)
    assert float(high) == pytest.approx(0.956526, abs=2e-6)


def test_wilson_all_satisfied_stays_below_one_at_the_bottom():
    # p = 1: half = z * (z / 2n) / d and centre = (1 + z^2 / 2n) / d with d = 1 + z^2/n, so
    # low = centre - half = 1 / d = n / (n + z^2) = 50 / 53.841459 = 0.928652; high = (1 + z^2/n) / d = 1.
    low, high = intervals.wilson(50, 50)
    assert float(low) == pytest.approx(0.928652, abs=2e-6)
    assert float(high) == pytest.approx(1.0)


def test_wilson_without_answers_is_nan_not_zero():
    low, high = intervals.wilson([0, 2], [0, 4])
    assert np.isnan(low[0]) and np.isnan(high[0])
    # 2 of 4: centre 0.5 (symmetric); half = 1.959964 * sqrt(0.0625 + 3.841459/64) / (1 + 3.841459/4)
    #        = 1.959964 * 0.350033 / 1.960365 = 0.349962
    assert low[1] == pytest.approx(0.150038, abs=2e-6)
    assert high[1] == pytest.approx(0.849962, abs=2e-6)


def test_difference_interval_matches_newcombe_1998():
    # Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 - 48/80 = 0.2000,
    # method 10 (Wilson-score based) interval 0.0524 to 0.3339.
    low_a, high_a = intervals.wilson(56, 70)
    low_b, high_b = intervals.wilson(48, 80)
    lower, upper = intervals.difference_interval(56 / 70, low_a, high_a, 48 / 80, low_b, high_b)
    assert float(lower) == pytest.approx(0.0524, abs=1e-4)
    assert float(upper) == pytest.approx(0.3339, abs=1e-4)


@pytest.mark.parametrize(
    "satisfied, n, comparison, expected",
    [
        (40, 48, ">", 6),  # 0.95 x 48 = 45.6 -> 46 satisfied needed -> 46 - 40 = 6
        (19, 20, ">", 1),  # 19/20 = 95 % is not "trên 95 %": 20 needed -> 1 more
        (19, 20, ">=", 0),  # ... but it does reach ">= 95 %"
        (95, 100, ">", 1),  # 95/100 exactly at the target -> one more
        (39, 40, ">", 0),  # 39/40 = 97.5 % already above
        (0, 10, ">", 10),  # 0.95 x 10 = 9.5 -> 10 needed -> all ten
        (44, 45, ">", 0),  # 0.95 x 45 = 42.75 -> 43 needed; 44 already
    ],
)
def test_answers_short_of_target(satisfied, n, comparison, expected):
    assert intervals.answers_short_of_target(satisfied, n, 95, comparison) == expected


def test_answers_short_of_target_without_answers_or_unreachable_target():
    assert np.isnan(intervals.answers_short_of_target(0, 0, 95))
    assert np.isnan(intervals.answers_short_of_target(5, 5, 100, ">"))  # nothing is above 100 %
    with pytest.raises(ValueError):
        intervals.answers_short_of_target(5, 10, 95, "<=")


def test_answers_short_of_target_vectorised():
    result = intervals.answers_short_of_target(np.array([40, 19, 0]), np.array([48, 20, 0]), 95)
    assert result[:2].tolist() == [6, 1] and np.isnan(result[2])


def test_resample_weights_are_reproducible_draws_of_n_of_n():
    first = intervals.resample_weights(7, 50, seed=3)
    again = intervals.resample_weights(7, 50, seed=3)
    other = intervals.resample_weights(7, 50, seed=4)
    assert first.shape == (50, 7)
    assert (first.sum(axis=1) == 7).all()  # every replicate draws n of n forms
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_percentile_interval_linear_percentiles_and_missing_replicates():
    # values 1..100: the 5th percentile sits at position 0.05 x 99 = 4.95 -> 5 + 0.95 = 5.95;
    # the 95th at 0.95 x 99 = 94.05 -> 95 + 0.05 = 95.05.
    values = np.arange(1, 101, dtype=float)[:, None]
    low, high = intervals.percentile_interval(values, confidence=0.90)
    assert low[0] == pytest.approx(5.95) and high[0] == pytest.approx(95.05)
    with_nan = np.vstack([values, [[np.nan]]])
    low2, high2 = intervals.percentile_interval(with_nan, confidence=0.90)
    assert low2[0] == pytest.approx(5.95) and high2[0] == pytest.approx(95.05)
    empty_low, _ = intervals.percentile_interval(np.full((10, 1), np.nan))
    assert np.isnan(empty_low[0])


def test_fewest_answers_that_could_confirm_a_target():
    # Wilson lower bound of n/n = n / (n + z²), z = 1.959964 (z² = 3.841459): beyond 95 % once
    # n > 0.95 × 3.841459 / 0.05 = 72.99 -> 73; 72/72 gives 72 / 75.84 = 0.9493 (not beyond), 73/73 0.9500 (beyond)
    assert intervals.min_n_to_confirm(95) == 73
    low72, _ = intervals.wilson(72, 72)
    low73, _ = intervals.wilson(73, 73)
    assert low72 < 0.95 < low73
    # 80 %: 0.8 × 3.841459 / 0.2 = 15.37 -> 16
    assert intervals.min_n_to_confirm(80) == 16
    assert intervals.min_n_to_confirm(100) == float("inf")
