"""SIPAS indices on tiny hand-made form tables; every expected number is worked out in a comment."""

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import intervals, sipas
from analysis.periods import Period

NA = pd.NA

# Two elements: A (criteria A.1, A.2) and B (criterion B.1).
SURVEY = pd.DataFrame(
    {
        "code": ["A.1", "A.2", "B.1"],
        "element": ["A", "A", "B"],
        "element_name": ["Yếu tố A", "Yếu tố A", "Yếu tố B"],
        "criterion_text": ["Tiêu chí A1", "Tiêu chí A2", "Tiêu chí B1"],
    }
)


def forms_of(rows: dict[str, list]) -> pd.DataFrame:
    frame = pd.DataFrame({code: pd.array(values, dtype="Int8") for code, values in rows.items()})
    frame["survey_date"] = pd.Timestamp("2024-02-01")
    return frame


# Five respondents:
#   A.1: 5, 4, 3, -, 1  -> 4 valid, 2 satisfied (5, 4), 1 dissatisfied (1): 50 %, 25 %, mean 13/4 = 3.25
#   A.2: 4, 4, 4, 2, -  -> 4 valid, 3 satisfied, 1 dissatisfied (2): 75 %, 25 %, mean 14/4 = 3.5
#   B.1: 5, -, 2, -, 5  -> 3 valid, 2 satisfied, 1 dissatisfied: 66.67 %, 33.33 %, mean 12/3 = 4
FIVE = forms_of({"A.1": [5, 4, 3, NA, 1], "A.2": [4, 4, 4, 2, NA], "B.1": [5, NA, 2, NA, 5]})


def settings(**changes) -> sipas.Settings:
    return sipas.Settings(**{"replicates": 400, "baseline_period": "2023", **changes})


def test_criterion_shares_dissatisfied_and_mean_score():
    criteria = sipas.estimate(FIVE, SURVEY, settings()).criteria.set_index("code")
    assert criteria["n"].tolist() == [4, 4, 3]
    assert criteria["satisfied"].tolist() == [2, 3, 2]
    assert criteria["value"].tolist() == pytest.approx([50.0, 75.0, 200 / 3])
    assert criteria["share_dissatisfied"].tolist() == pytest.approx([25.0, 25.0, 100 / 3])
    assert criteria["mean_score"].tolist() == pytest.approx([3.25, 3.5, 4.0])
    # 2 of 4 (worked in test_sipas_intervals): Wilson 15.0038 % .. 84.9962 %
    assert criteria.loc["A.1", "ci_low"] == pytest.approx(15.0038, abs=1e-3)
    assert criteria.loc["A.1", "ci_high"] == pytest.approx(84.9962, abs=1e-3)
    # gap: A.1 at 50 % -> 45 points; answers: 0.95 x 4 = 3.8 -> 4 satisfied needed -> 2 more
    assert criteria.loc["A.1", "gap_points"] == pytest.approx(45.0)
    assert criteria.loc["A.1", "gap_answers"] == 2


def test_elements_and_overall_mean_of_criteria_then_mean_of_elements():
    elements = sipas.estimate(FIVE, SURVEY, settings()).elements.set_index("code")
    # A = (50 + 75) / 2 = 62.5; B = 66.67 (one criterion); overall = (62.5 + 66.67) / 2 = 64.583
    assert elements.loc["A", "value"] == pytest.approx(62.5)
    assert elements.loc["B", "value"] == pytest.approx(200 / 3)
    assert elements.loc["overall", "value"] == pytest.approx((62.5 + 200 / 3) / 2)
    assert elements.loc["overall", "level"] == "index" and elements.loc["A", "level"] == "group"
    # n: forms with a valid answer in the element: A all five; B respondents 1, 3, 5; overall five
    assert elements["n"].tolist() == [5, 3, 5]


@pytest.mark.parametrize(
    "element_rule, overall_rule, element_a, overall",
    [
        # each criterion weighs the same: (50 + 75 + 66.67) / 3 = 63.889
        ("mean_of_criteria", "mean_of_criteria", 62.5, (50 + 75 + 200 / 3) / 3),
        # every valid answer pooled: (2 + 3 + 2) / (4 + 4 + 3) = 7 / 11 = 63.636; A pooled = 5 / 8 = 62.5
        ("pooled_answers", "pooled_answers", 62.5, 700 / 11),
    ],
)
def test_other_aggregation_settings(element_rule, overall_rule, element_a, overall):
    elements = sipas.estimate(
        FIVE, SURVEY, settings(element_rule=element_rule, overall_rule=overall_rule)
    ).elements.set_index("code")
    assert elements.loc["A", "value"] == pytest.approx(element_a)
    assert elements.loc["overall", "value"] == pytest.approx(overall)


def test_pooled_element_differs_from_mean_when_n_differs():
    # A.1: 1 of 1 satisfied (100 %); A.2: 1 of 4 (25 %). Mean of criteria = 62.5; pooled = 2 / 5 = 40.
    forms = forms_of({"A.1": [5, NA, NA, NA], "A.2": [4, 1, 1, 1], "B.1": [5, 5, 5, 5]})
    mean = sipas.estimate(forms, SURVEY, settings()).elements.set_index("code")
    pooled = sipas.estimate(forms, SURVEY, settings(element_rule="pooled_answers")).elements.set_index("code")
    assert mean.loc["A", "value"] == pytest.approx(62.5)
    assert pooled.loc["A", "value"] == pytest.approx(40.0)


def test_unknown_setting_is_refused():
    with pytest.raises(ValueError, match="aggregation.overall"):
        sipas.Settings(overall_rule="median")


def test_element_without_answers_is_left_out_and_said():
    forms = forms_of({"A.1": [5, 4], "A.2": [NA, NA], "B.1": [NA, NA]})
    result = sipas.estimate(forms, SURVEY, settings())
    elements = result.elements.set_index("code")
    # A stands on A.1 alone (100 %), B has no data, overall = A only
    assert elements.loc["A", "value"] == pytest.approx(100.0)
    assert "A.2" in elements.loc["A", "note"]
    assert np.isnan(elements.loc["B", "value"]) and elements.loc["B", "n"] == 0
    assert elements.loc["overall", "value"] == pytest.approx(100.0)
    assert "B" in elements.loc["overall", "note"]


def test_bootstrap_is_deterministic_and_degenerate_when_everyone_agrees():
    same = forms_of({"A.1": [5] * 20, "A.2": [4] * 20, "B.1": [1] * 20})
    elements = sipas.estimate(same, SURVEY, settings()).elements.set_index("code")
    # A = 100 %, B = 0 %, overall 50 % in every replicate: the interval collapses on the value
    assert elements.loc["overall", ["value", "ci_low", "ci_high"]].tolist() == pytest.approx([50.0, 50.0, 50.0])
    one = sipas.estimate(FIVE, SURVEY, settings()).elements
    two = sipas.estimate(FIVE, SURVEY, settings()).elements
    pd.testing.assert_frame_equal(one, two)


def test_bootstrap_agrees_with_a_plain_resampling_loop():
    """Independent check: resample row indices in a loop and recompute the index with plain pandas."""
    rng = np.random.default_rng(11)
    n = 80
    raw = {code: np.where(rng.random(n) < share, 5, 2) for code, share in (("A.1", 0.6), ("A.2", 0.8), ("B.1", 0.9))}
    raw["A.2"] = np.where(rng.random(n) < 0.1, -1, raw["A.2"])  # some no answers
    forms = forms_of({k: [None if v < 0 else int(v) for v in vals] for k, vals in raw.items()})
    result = sipas.estimate(forms, SURVEY, settings(replicates=4000)).elements.set_index("code")

    scores = forms[["A.1", "A.2", "B.1"]].to_numpy(dtype=float, na_value=np.nan)

    def index_of(rows: np.ndarray) -> float:
        share = [np.mean(column[~np.isnan(column)] >= 4) * 100 for column in rows.T]
        return ((share[0] + share[1]) / 2 + share[2]) / 2

    loop_rng = np.random.default_rng(99)
    values = [index_of(scores[loop_rng.integers(0, n, n)]) for _ in range(4000)]
    low, high = np.percentile(values, [2.5, 97.5])
    assert result.loc["overall", "value"] == pytest.approx(index_of(scores))
    assert result.loc["overall", "ci_low"] == pytest.approx(low, abs=1.0)  # Monte Carlo error well under 1 point
    assert result.loc["overall", "ci_high"] == pytest.approx(high, abs=1.0)


@pytest.mark.parametrize(
    "value, low, high, baseline, expected",
    [
        (np.nan, np.nan, np.nan, 80.0, "no_data"),
        (97.0, 95.5, 98.5, 80.0, "met"),  # the whole interval above 95
        (96.0, 90.0, 99.0, 80.0, "improving"),  # above 95 as measured, but not beyond doubt; 90 > 80
        (90.0, 85.0, 94.0, np.nan, "no_baseline"),
        (88.0, 82.0, 93.0, 80.0, "improving"),  # 82 > 80
        (75.0, 70.0, 79.0, 80.0, "worse"),  # 79 < 80
        (83.0, 79.0, 87.0, 80.0, "flat"),  # 79 <= 80 <= 87: the interval holds the baseline
        (84.0, 80.0, 88.0, 80.0, "flat"),  # an interval touching the baseline does not exclude it
        (97.0, 95.0, 99.0, 97.0, "flat"),  # ci_low = 95 is not "trên 95 %"; 95 <= 97 <= 99
    ],
)
def test_status_respects_the_interval(value, low, high, baseline, expected):
    assert sipas.survey_status([value], [low], [high], [baseline], settings()).tolist() == [expected]


def test_status_with_the_point_value_rule():
    rule = settings(met_rule="value_beyond_target")
    assert sipas.survey_status([96.0], [90.0], [99.0], [80.0], rule).tolist() == ["met"]
    assert sipas.survey_status([95.0], [90.0], [99.0], [80.0], rule).tolist() == ["improving"]  # 95 not > 95


def test_long_rows_carry_gaps_baseline_and_notes():
    result = sipas.estimate(FIVE, SURVEY, settings())
    rows = sipas.long_rows(
        result,
        unit="Ninh Thạnh",
        period="2024Q1",
        baseline={"A.1": 40.0, "overall": 70.0},
        settings=settings(),
        owners={"overall": "Bộ phận một cửa"},
    ).set_index("code")
    assert rows.index.tolist() == ["A", "B", "overall", "A.1", "A.2", "B.1"]
    assert set(rows["index"]) == {"sipas"} and set(rows["measure"]) == {"percent"}
    assert rows.loc["A.1", "level"] == "criterion"
    assert rows.loc["A.1", "gap_to_target"] == pytest.approx(45.0)  # 95 - 50
    assert rows.loc["A.1", "change_vs_baseline"] == pytest.approx(10.0)  # 50 - 40
    assert rows.loc["A.1", "baseline_period"] == "2023"
    assert pd.isna(rows.loc["A.2", "baseline"]) and pd.isna(rows.loc["A.2", "baseline_period"])
    assert rows.loc["A.2", "status"] == "no_baseline"
    assert rows.loc["A.1", "note"] == "cần thêm 2 câu trả lời hài lòng trên 4 để vượt 95 %"
    assert rows.loc["overall", "owner"] == "Bộ phận một cửa" and pd.isna(rows.loc["A", "owner"])
    assert (rows["target"] == 95).all()


def test_a_criterion_without_answers_is_no_data_not_zero():
    forms = forms_of({"A.1": [5, 4], "A.2": [4, 4], "B.1": [NA, NA]})
    rows = sipas.long_rows(
        sipas.estimate(forms, SURVEY, settings()),
        unit="X",
        period="2024Q1",
        baseline={"B.1": 80.0},
        settings=settings(),
    ).set_index("code")
    assert rows.loc["B.1", "status"] == "no_data" and pd.isna(rows.loc["B.1", "value"])
    assert rows.loc["B.1", "n"] == 0 and pd.isna(rows.loc["B.1", "gap_to_target"])
    assert rows.loc["B.1", "note"] == "chưa có câu trả lời"


def test_no_data_rows_for_a_unit_without_forms():
    rows = sipas.no_data_rows(SURVEY, unit="Tân Bình", period="2024Q1", settings=settings())
    assert len(rows) == 6  # 2 elements + overall + 3 criteria
    assert set(rows["status"]) == {"no_data"} and rows["value"].isna().all()


def test_min_group_answers_rule_at_the_boundary():
    # 30 forms in group X (all satisfied), 29 in group Y (all dissatisfied): X is shown, Y is too small.
    forms = forms_of({"A.1": [5] * 30 + [1] * 29, "A.2": [5] * 30 + [1] * 29, "B.1": [5] * 30 + [1] * 29})
    forms["field"] = ["X"] * 30 + ["Y"] * 29
    table = sipas.breakdown(forms, SURVEY, settings(), "field").set_index("group")
    assert table.loc["X", "shown"] and not table.loc["Y", "shown"]
    assert table.loc["X", "n"] == 30 and table.loc["Y", "n"] == 29  # still listed with its n
    assert table.loc["X", "value"] == pytest.approx(100.0) and np.isnan(table.loc["Y", "value"])
    by_criterion = sipas.criterion_by_group(forms, ["A.1"], settings(), "field").set_index("group")
    assert by_criterion.loc["X", "shown"] and not by_criterion.loc["Y", "shown"]


def test_blank_attribute_is_its_own_group_and_channel_codes_are_translated():
    forms = forms_of({"A.1": [5, 4, 1], "A.2": [5, 4, 1], "B.1": [5, 4, 1]})
    forms["channel"] = pd.array(["direct", "online", None], dtype="string")
    table = sipas.breakdown(forms, SURVEY, settings(), "channel")
    assert sorted(table["group"]) == ["Không ghi", "Trực tiếp", "Trực tuyến"]


def test_clearly_lower_needs_the_difference_interval_below_zero():
    # Group X: 10 of 30 satisfied (33.3 %); others: 57 of 60 (95 %). Newcombe's interval of the difference is
    # far below zero. Group Z: 27 of 30 (90 %) vs others 40 of 60 (66.7 %): higher, not lower.
    a1 = [5] * 10 + [1] * 20 + [5] * 57 + [1] * 3
    forms = forms_of({"A.1": a1, "A.2": a1, "B.1": a1})
    forms["field"] = ["X"] * 30 + ["W"] * 60
    table = sipas.criterion_by_group(forms, ["A.1"], settings(), "field").set_index("group")
    assert table.loc["X", "value"] == pytest.approx(100 / 3) and table.loc["X", "others"] == pytest.approx(95.0)
    assert table.loc["X", "clearly_lower"] and not table.loc["W", "clearly_lower"]
    # Close shares: 26 of 30 (86.7 %) vs 54 of 60 (90 %) -> within sampling error, not clearly lower
    close = [5] * 26 + [1] * 4 + [5] * 54 + [1] * 6
    forms2 = forms_of({"A.1": close, "A.2": close, "B.1": close})
    forms2["field"] = ["X"] * 30 + ["W"] * 60
    table2 = sipas.criterion_by_group(forms2, ["A.1"], settings(), "field").set_index("group")
    assert not table2.loc["X", "clearly_lower"]
    low_x, high_x = intervals.wilson(26, 30)
    low_w, high_w = intervals.wilson(54, 60)
    _, upper = intervals.difference_interval(26 / 30, low_x, high_x, 0.9, low_w, high_w)
    assert upper > 0  # the reason it is not clearly lower


def test_weakest_skips_criteria_without_answers():
    forms = forms_of({"A.1": [5, 1], "A.2": [1, 1], "B.1": [NA, NA]})
    criteria = sipas.estimate(forms, SURVEY, settings()).criteria
    assert sipas.weakest(criteria, 3)["code"].tolist() == ["A.2", "A.1"]  # 0 % then 50 %; B.1 has no data


def test_periods_pool_forms_by_survey_date():
    forms = forms_of({"A.1": [5, 4, 1, 5], "A.2": [5, 4, 1, 5], "B.1": [5, 4, 1, 5]})
    forms["survey_date"] = pd.to_datetime(
        ["2024-01-01 00:00", "2024-03-31 16:30", "2024-04-01 00:00", "2023-12-31 00:00"]
    )
    assert len(sipas.in_period(forms, Period.parse("2024Q1"))) == 2  # 31/3 afternoon is still Q1
    assert len(sipas.in_period(forms, Period.parse("2024"))) == 3
    trend = sipas.trend(
        forms,
        SURVEY,
        settings(),
        [Period.parse("2023Q4"), Period.parse("2024Q1"), Period.parse("2024Q2"), Period.parse("2024Q3")],
    )
    assert trend["forms"].tolist() == [1, 2, 1, 0]
    assert np.isnan(trend["value"].iloc[3])  # a quarter without forms has no value, not 0
    assert trend["label"].iloc[1] == "Quý I/2024"


def test_an_element_at_100_percent_on_ten_forms_is_not_met():
    # the bootstrap of ten all-satisfied forms collapses to [100, 100]; the floor (73 answers for 95 %) applies
    # to elements and the index as it does, through Wilson, to criteria
    status = sipas.survey_status([100.0, 100.0], [100.0, 100.0], [100.0, 100.0], [90.0, 90.0], settings(), n=[10, 73])
    assert status.tolist() == ["improving", "met"]  # 10 forms: improving on 90 (interval beyond it); 73: met
