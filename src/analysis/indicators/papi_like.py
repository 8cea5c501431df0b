"""Scores of a local PAPI-style survey (pure). They are "PAPI-like", never official PAPI scores.

The official indicator → sub-dimension formula is not public, so this module states its own (survey_map.csv):
1. every answer is rescaled to r = (code − scale's lowest) / (highest − lowest) in 0..1, and to 1 − r for a
   question whose direction is −1 (a "yes" or a high code means worse governance); non-answers are left out;
2. a respondent's indicator = mean of his or her answered questions of it; sub-dimension = mean of the
   answered indicators, put on the PAPI sub-dimension range as (1 + 9·mean) / k (k = the parent's number of
   sub-dimensions, so the range is 1/k–10/k like the official one); dimension = sum of the respondent's
   sub-dimension scores, only when the map covers every sub-dimension of it and the respondent answered all;
3. each figure is the mean over respondents, with n and a normal-approximation interval mean ± z·sd/√n
   (z for the settings' confidence level; no interval below 2 respondents).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.indicators.intervals import z_value
from analysis.indicators.long import long_frame

INDEX = "papi_like"
KEY = ["unit", "respondent_id"]


def papi_like_note(confidence: float) -> str:
    """The note every PAPI-like row carries, so the figure is never read as an official PAPI score."""
    return (
        "Khảo sát kiểu PAPI: khảo sát tại địa phương theo cách tính riêng (không phải điểm PAPI chính thức); "
        f"khoảng tin cậy {confidence * 100:g} % theo xấp xỉ chuẩn."
    )


def rescaled_answers(survey: pd.DataFrame, questions: pd.DataFrame, scales: pd.DataFrame) -> pd.DataFrame:
    """unit, respondent_id, question, indicator, subdimension, dimension, r (0..1) — answered questions only."""
    present = [q for q in questions["question"] if q in survey.columns]
    answers = survey.melt(id_vars=KEY, value_vars=present, var_name="question", value_name="answer")
    answers = answers[answers["answer"].notna()]
    bounds = scales.groupby("scale")[["low", "high"]].first()
    answers = answers.merge(
        questions[["question", "scale", "direction", "indicator", "subdimension", "dimension"]], on="question"
    ).join(bounds, on="scale")
    r = (answers["answer"].astype("Float64") - answers["low"]) / (answers["high"] - answers["low"])
    answers["r"] = r.where(answers["direction"] > 0, 1 - r).astype("Float64")
    return answers[[*KEY, "question", "indicator", "subdimension", "dimension", "r"]].reset_index(drop=True)


def respondent_scores(answers: pd.DataFrame, subs: pd.DataFrame, questions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per respondent: indicator (0..1), sub-dimension (1/k..10/k) and, where covered, dimension (1..10)."""
    indicator = answers.groupby([*KEY, "indicator", "subdimension", "dimension"], as_index=False)["r"].mean()
    sub = indicator.groupby([*KEY, "subdimension", "dimension"], as_index=False)["r"].mean()
    k = sub["subdimension"].map(subs.set_index("code")["k"]).astype("Float64")
    sub["score"] = (1 + 9 * sub["r"]) / k
    covered = questions.groupby("dimension")["subdimension"].nunique()
    needed = subs.groupby("parent")["code"].size()
    complete_dims = [d for d in covered.index if covered[d] == needed.get(d, -1)]
    per_dim = (
        sub[sub["dimension"].isin(complete_dims)]
        .groupby([*KEY, "dimension"], as_index=False)
        .agg(score=("score", "sum"), answered=("subdimension", "size"))
    )
    per_dim = per_dim[per_dim["answered"] == per_dim["dimension"].map(needed)]
    return {
        "indicator": indicator.rename(columns={"indicator": "code"}).assign(score=lambda f: f["r"] * 100),
        "subdimension": sub.rename(columns={"subdimension": "code"}),
        "dimension": per_dim.assign(code=per_dim["dimension"]),
    }


def summarise(
    scores: pd.DataFrame, confidence: float, low: pd.Series | float | None = None, high: pd.Series | float | None = None
) -> pd.DataFrame:
    """unit, code, n, value (mean), ci_low, ci_high — interval clipped to the score's possible range."""
    z = z_value(confidence)
    stats = scores.groupby(["unit", "code"], as_index=False)["score"].agg(value="mean", sd="std", n="size")
    half = z * stats["sd"] / stats["n"].astype(float).pow(0.5)
    half = half.where(stats["n"] >= 2)
    stats["ci_low"] = stats["value"] - half
    stats["ci_high"] = stats["value"] + half
    if low is not None:
        stats["ci_low"] = stats["ci_low"].clip(lower=low)
    if high is not None:
        stats["ci_high"] = stats["ci_high"].clip(upper=high)
    return stats.drop(columns="sd")


def survey_rows(
    survey: pd.DataFrame,
    questions: pd.DataFrame,
    scales: pd.DataFrame,
    subs: pd.DataFrame,
    *,
    year: int,
    confidence: float,
    names: Mapping[str, str],
    owners: Mapping[str, str],
) -> pd.DataFrame:
    """Long rows (index "papi_like") per unit: dimensions, sub-dimensions and indicators of the survey year.

    A dimension the map covers only in part is a no_data row saying how many sub-dimensions it has.
    """
    if survey.empty:
        return long_frame([])
    levels = respondent_scores(rescaled_answers(survey, questions, scales), subs, questions)
    k = subs.set_index("code")["k"]
    indicator = summarise(levels["indicator"], confidence, 0.0, 100.0).assign(level="indicator", measure="percent")
    sub = summarise(levels["subdimension"], confidence)
    sub_k = sub["code"].map(k).astype(float)
    sub["ci_low"] = sub["ci_low"].clip(lower=1 / sub_k)
    sub["ci_high"] = sub["ci_high"].clip(upper=10 / sub_k)
    sub = sub.assign(level="subdimension", measure="papi_like_subdimension")
    dim = summarise(levels["dimension"], confidence, 1.0, 10.0).assign(level="dimension", measure="papi_like_1_10")
    dim = _with_uncovered_dimensions(dim, survey["unit"].dropna().unique(), questions, subs)
    frame = pd.concat([dim, sub, indicator], ignore_index=True)
    parent = frame["code"].str.extract(r"^(D\d)")[0]
    indicator_names = dict(zip(questions["indicator"], questions["indicator_vi"]))
    frame["name"] = frame["code"].map(lambda c: names.get(c) or indicator_names.get(c, c))
    frame["owner"] = parent.map(lambda d: owners.get(d) or None)
    frame["note"] = frame["note"].fillna("") if "note" in frame else ""
    frame["note"] = (frame["note"] + " " + papi_like_note(confidence)).str.strip()
    frame["status"] = frame["value"].isna().map({True: "no_data", False: "no_baseline"})
    frame["index"] = INDEX
    frame["period"] = str(year)
    order = {"dimension": 0, "subdimension": 1, "indicator": 2}
    frame = frame.sort_values(["unit", "code", "level"], key=lambda s: s.map(order) if s.name == "level" else s)
    return long_frame(frame.reset_index(drop=True))


def _with_uncovered_dimensions(dim: pd.DataFrame, units, questions: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """Add a no_data row for every dimension the survey touches without covering all its sub-dimensions."""
    covered = questions.groupby("dimension")["subdimension"].nunique()
    needed = subs.groupby("parent")["code"].size()
    partial = covered[covered < covered.index.map(needed)]
    rows = pd.DataFrame(
        [
            {
                "unit": unit,
                "code": code,
                "level": "dimension",
                "measure": "papi_like_1_10",
                "note": f"Khảo sát chỉ có {covered[code]}/{needed[code]} nội dung thành phần: "
                "không tính điểm nội dung.",
            }
            for unit in units
            for code in partial.index
        ]
    )
    return pd.concat([dim, rows], ignore_index=True) if len(rows) else dim
