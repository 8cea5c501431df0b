"""PAPI-like scores of a local survey, worked by hand on four respondents."""

import math

import pandas as pd
import pytest

from analysis.indicators import papi_like
from analysis.reference.papi import subdimensions

Z95 = 1.959963984540054

QUESTIONS = pd.DataFrame(
    {
        "question": ["qa", "qb", "qc", "qd"],
        "scale": ["yes_no", "likert_1_5", "yes_no", "yes_no"],
        "direction": [1, -1, 1, 1],
        "indicator": ["D8.1.1", "D8.2.1", "D8.3.1", "D5.1.1"],
        "indicator_vi": ["Dùng cổng", "Không bị cản trở", "Được trả lời", "Chứng thực nhanh"],
        "subdimension": ["D8.1", "D8.2", "D8.3", "D5.1"],
        "dimension": ["D8", "D8", "D8", "D5"],
    }
)
SCALES = pd.DataFrame({"scale": ["yes_no", "likert_1_5"], "low": [0.0, 1.0], "high": [1.0, 5.0]})
NA = None
SURVEY = pd.DataFrame(
    {
        "unit": ["Ninh Thạnh"] * 4,
        "respondent_id": ["r1", "r2", "r3", "r4"],
        "qa": pd.array([1, 0, 1, NA], dtype="Float64"),
        "qb": pd.array([1, 5, 3, 2], dtype="Float64"),  # direction −1: r = 1 − (x − 1) / 4 -> 1, 0, 0.5, 0.75
        "qc": pd.array([1, NA, 0, 1], dtype="Float64"),
        "qd": pd.array([1, 1, 0, NA], dtype="Float64"),
    }
)


@pytest.fixture(scope="module")
def rows():
    out = papi_like.survey_rows(
        SURVEY,
        QUESTIONS,
        SCALES,
        subdimensions(),
        year=2024,
        confidence=0.95,
        names={"D8": "Quản trị điện tử"},
        owners={"D8": "Công chức VH-XH"},
    )
    return out.set_index("code")


def test_rescaled_answers():
    answers = papi_like.rescaled_answers(SURVEY, QUESTIONS, SCALES)
    qb = answers[answers["question"] == "qb"].set_index("respondent_id")["r"]
    assert qb.to_dict() == {"r1": 1.0, "r2": 0.0, "r3": 0.5, "r4": 0.75}
    assert len(answers) == 3 + 4 + 3 + 3  # non-answers (NA) are left out


def test_indicator_share_and_interval(rows):
    # D8.1.1: answers 1, 0, 1 -> 2/3 = 66.67 % of the maximum, n = 3;
    # sd of (100, 0, 100) = sqrt(((100/3)^2 * 2 + (200/3)^2) / 2) = 57.735; half = 1.96 * 57.735 / sqrt(3) = 65.33
    row = rows.loc["D8.1.1"]
    assert row["value"] == pytest.approx(200 / 3) and row["n"] == 3 and row["measure"] == "percent"
    half = Z95 * math.sqrt(((100 / 3) ** 2 * 2 + (200 / 3) ** 2) / 2) / math.sqrt(3)
    assert row["ci_low"] == pytest.approx(200 / 3 - half)
    assert row["ci_high"] == 100  # 66.67 + 65.33 = 132 is clipped to the maximum


def test_sub_dimensions_on_the_papi_range(rows):
    # k = 3 for D8: score = (1 + 9 * mean) / 3
    assert rows.loc["D8.1", "value"] == pytest.approx((1 + 9 * 2 / 3) / 3)  # 7/3 = 2.3333
    assert rows.loc["D8.2", "value"] == pytest.approx((1 + 9 * 0.5625) / 3)  # mean (1+0+0.5+0.75)/4 = 0.5625
    assert rows.loc["D8.3", "value"] == pytest.approx(7 / 3)  # r1 1, r3 0, r4 1
    assert rows.loc["D8.2", "n"] == 4 and rows.loc["D8.3", "n"] == 3


def test_dimension_only_over_respondents_with_every_sub_dimension(rows):
    # r1: (10 + 10 + 10) / 3 = 10; r3: ((1+9) + (1+4.5) + (1+0)) / 3 = 5.5; r2 lacks D8.3, r4 lacks D8.1
    row = rows.loc["D8"]
    assert row["value"] == pytest.approx(7.75) and row["n"] == 2
    half = Z95 * (4.5 / math.sqrt(2)) / math.sqrt(2)  # sd of (10, 5.5) = 4.5 / sqrt(2)
    assert row["ci_low"] == pytest.approx(7.75 - half) and row["ci_high"] == 10  # 7.75 + 4.41 clipped at 10
    assert row["name"] == "Quản trị điện tử" and row["owner"] == "Công chức VH-XH"
    assert row["level"] == "dimension" and row["measure"] == "papi_like_1_10"


def test_partly_covered_dimension_is_no_data(rows):
    # the map has D5.1 only; D5 has 3 sub-dimensions
    row = rows.loc["D5"]
    assert pd.isna(row["value"]) and row["status"] == "no_data"
    assert "1/3 nội dung thành phần" in row["note"]
    assert rows.loc["D5.1", "value"] == pytest.approx((1 + 9 * 2 / 3) / 3)  # answers 1, 1, 0


def test_every_row_says_papi_like(rows):
    assert set(rows["index"]) == {"papi_like"} and set(rows["period"]) == {"2024"}
    assert rows["note"].str.contains("Khảo sát kiểu PAPI").all()
    assert rows["note"].str.contains("không phải điểm PAPI chính thức").all()


def test_one_respondent_has_no_interval():
    one = SURVEY.iloc[:1]
    out = papi_like.survey_rows(
        one, QUESTIONS, SCALES, subdimensions(), year=2024, confidence=0.95, names={}, owners={}
    ).set_index("code")
    assert out.loc["D8", "value"] == 10 and out.loc["D8", "n"] == 1
    assert pd.isna(out.loc["D8", "ci_low"]) and pd.isna(out.loc["D8", "ci_high"])


def test_empty_survey_gives_no_rows():
    assert papi_like.survey_rows(
        SURVEY.iloc[0:0], QUESTIONS, SCALES, subdimensions(), year=2024, confidence=0.95, names={}, owners={}
    ).empty
