"""SIPAS of many units (or periods, or groups) in one pass equals the same computed one at a time."""

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import sipas
from analysis.periods import Period
from tests.indicators.test_sipas import SURVEY, forms_of, settings

NA = pd.NA
OWNERS = {"A": "Công chức A", "A.1": "Công chức A1"}


def three_units() -> pd.DataFrame:
    """U1 and U3 interleaved in table order (each is resampled on its own forms, in that order); U3 never answers
    B.1; U2 has no forms; U4 is not asked for."""
    frame = forms_of(
        {
            "A.1": [5, 4, 3, 5, NA, 1, 2, 4],
            "A.2": [4, 4, 4, 5, 2, NA, 4, 5],
            "B.1": [5, NA, NA, NA, NA, 5, NA, 1],
        }
    )
    frame["unit"] = pd.array(["U1", "U3", "U1", "U3", "U1", "U1", "U3", "U4"], dtype="string")
    return frame


BASELINE = pd.DataFrame({"unit": ["U1", "U1", "U2", "U3"], "code": ["overall", "A.1", "overall", "A"], "value": 70.0})


def one_at_a_time(forms: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    parts = []
    for unit in names:
        part = forms[forms["unit"] == unit]
        if part.empty:
            parts.append(sipas.no_data_rows(SURVEY, unit="", period="2024Q1", settings=settings()).assign(unit=unit))
            continue
        mine = BASELINE[BASELINE["unit"] == unit]
        parts.append(
            sipas.long_rows(
                sipas.estimate(part, SURVEY, settings()),
                unit=unit,
                period="2024Q1",
                baseline=dict(zip(mine["code"], mine["value"])),
                settings=settings(),
                owners=OWNERS,
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_every_unit_in_one_pass_equals_each_unit_alone():
    names = ["U1", "U2", "U3"]
    together = sipas.unit_rows(
        three_units(), names, SURVEY, period="2024Q1", baseline=BASELINE, settings=settings(), owners=OWNERS
    )
    pd.testing.assert_frame_equal(together, one_at_a_time(three_units(), names), check_exact=True)
    rows = together.set_index(["unit", "code"])
    # U3: A.1 answered 4, 5, 2 -> 2 of 3 satisfied; B.1 never answered, so B has no data and the index is A's
    assert rows.loc[("U3", "A.1"), "value"] == pytest.approx(200 / 3)
    assert rows.loc[("U3", "B"), "status"] == "no_data"
    # A.2 answered 4, 5, 4 -> 100 %; A = mean of its criteria, the index = mean of the elements with data
    assert rows.loc[("U3", "overall"), "value"] == rows.loc[("U3", "A"), "value"] == pytest.approx((200 / 3 + 100) / 2)
    assert rows.loc[("U3", "overall"), "note"] == "chỉ tính trên 1/2 yếu tố có câu trả lời; chưa có: B"
    assert rows.loc[("U3", "A"), "baseline"] == 70.0
    # U2 has no forms: every figure missing, no baseline and no owner (as no_data_rows gives), not a zero
    assert (rows.loc["U2", "status"] == "no_data").all() and rows.loc["U2", "value"].isna().all()
    assert rows.loc["U2", "baseline"].isna().all() and rows.loc["U2", "owner"].isna().all()
    assert "U4" not in together["unit"].tolist()
    assert rows.loc[("U1", "A.1"), "owner"] == "Công chức A1"


def test_trend_and_breakdown_resample_each_group_as_if_alone():
    forms = three_units()
    forms["survey_date"] = pd.to_datetime(["2024-01-05", "2024-04-02", "2024-02-01", "2024-05-05"] * 2)
    forms["field"] = pd.array(["x", "y", "x", NA, "y", "x", "y", "x"], dtype="string")
    periods = [Period("quarter", 2024, q) for q in (1, 2, 3)]
    trend = sipas.trend(forms, SURVEY, settings(), periods).set_index("period")
    for period in periods:
        alone = sipas.estimate(sipas.in_period(forms, period), SURVEY, settings()).elements.iloc[-1]
        got = trend.loc[period.label]
        assert got["forms"] == len(sipas.in_period(forms, period))
        np.testing.assert_array_equal(
            got[["n", "value", "ci_low", "ci_high"]].to_numpy(float),
            alone[["n", "value", "ci_low", "ci_high"]].to_numpy(float),
        )
    table = sipas.breakdown(forms, SURVEY, settings(min_group_answers=1), "field").set_index("group")
    labels = sipas.group_labels(forms, "field")
    for group in ("x", "y", "Không ghi"):
        own = sipas.estimate(forms[labels == group], SURVEY, settings()).elements.iloc[-1]
        rest = sipas.estimate(forms[labels != group], SURVEY, settings()).elements.iloc[-1]
        assert table.loc[group, ["value", "ci_low", "ci_high"]].tolist() == own[["value", "ci_low", "ci_high"]].tolist()
        assert table.loc[group, ["others", "others_low", "others_high"]].tolist() == (
            rest[["value", "ci_low", "ci_high"]].tolist()
        )
