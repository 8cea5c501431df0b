"""SIPAS from a unit's own survey forms: criteria, elements and the overall index, with honest intervals.

Input ``forms``: one row per respondent (the processed ``sipas`` table, already cut to a unit and period),
one column per criterion code (E1.1 … E5.4) holding the score 1-5 or NA for no answer.
``questionnaire``: code, element, element_name, criterion_text (data/reference/sipas/questionnaire.csv).

- Criterion: share of valid answers that are satisfied (4-5), with a Wilson interval and n = valid answers;
  also the share dissatisfied (1-2) and the mean score.
- Element and overall index: the aggregation rules of ``Settings`` (default: element = mean of its criteria,
  overall = mean of the elements), with a percentile bootstrap over respondents (whole forms).
- Gap to the target in points and in answers ("how many more satisfied answers at this n").
- Status: met only when the interval lies beyond the target (setting), else improving / worse only when the
  interval excludes the baseline (the plan's baseline year), else flat; no_baseline without a baseline; no_data
  when n = 0.
Pure: frames in, frames out, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.indicators import intervals
from analysis.indicators.long import long_frame
from analysis.periods import Period

INDEX = "sipas"
OVERALL = "overall"
OVERALL_NAME = "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)"
ELEMENT_RULES = ("mean_of_criteria", "pooled_answers")
OVERALL_RULES = ("mean_of_elements", "mean_of_criteria", "pooled_answers")
MET_RULES = ("interval_beyond_target", "value_beyond_target")
# Respondent attributes a report breaks the index down by, with their Vietnamese headings.
DIMENSIONS = {
    "field": "Lĩnh vực",
    "procedure": "Thủ tục",
    "channel": "Hình thức giao dịch",
    "gender": "Giới tính",
    "age_group": "Độ tuổi",
    "education": "Trình độ học vấn",
    "occupation": "Nghề nghiệp",
}
GROUP_LABELS = {"channel": {"direct": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính"}}


@dataclass(frozen=True)
class Settings:
    """data/reference/sipas/settings.yaml plus the plan's target, as plain values."""

    target: float = 95.0
    comparison: str = ">"
    element_rule: str = "mean_of_criteria"
    overall_rule: str = "mean_of_elements"
    confidence: float = 0.95
    replicates: int = 2000
    seed: int = 20240220
    min_group_answers: int = 30
    met_rule: str = "interval_beyond_target"
    satisfied: tuple[int, ...] = (4, 5)
    dissatisfied: tuple[int, ...] = (1, 2)
    baseline_period: str = ""  # the plan's baseline year (collect.sipas.settings reads it from plan/settings.yaml)

    def __post_init__(self) -> None:
        for value, allowed, name in (
            (self.element_rule, ELEMENT_RULES, "aggregation.element"),
            (self.overall_rule, OVERALL_RULES, "aggregation.overall"),
            (self.met_rule, MET_RULES, "met_rule"),
        ):
            if value not in allowed:
                raise ValueError(f"SIPAS setting {name} = {value!r}: use one of {', '.join(allowed)}")

    @classmethod
    def from_mapping(cls, raw: Mapping, target: float, comparison: str, baseline_period: str = "") -> Settings:
        aggregation = raw.get("aggregation", {})
        interval = raw.get("interval", {})
        return cls(
            target=float(target),
            comparison=comparison,
            element_rule=aggregation.get("element", cls.element_rule),
            overall_rule=aggregation.get("overall", cls.overall_rule),
            confidence=float(interval.get("confidence", cls.confidence)),
            replicates=int(interval.get("bootstrap_replicates", cls.replicates)),
            seed=int(interval.get("bootstrap_seed", cls.seed)),
            min_group_answers=int(raw.get("min_group_answers", cls.min_group_answers)),
            met_rule=raw.get("met_rule", cls.met_rule),
            satisfied=tuple(int(s) for s in raw.get("satisfied_scores", cls.satisfied)),
            dissatisfied=tuple(int(s) for s in raw.get("dissatisfied_scores", cls.dissatisfied)),
            baseline_period=baseline_period or str(raw.get("baseline_period", cls.baseline_period)),
        )


@dataclass
class Estimate:
    """Everything computed for one set of forms: per criterion, and per element plus the overall index."""

    criteria: pd.DataFrame  # code, element, name, n, satisfied, dissatisfied, value, ci_low, ci_high, ...
    elements: pd.DataFrame  # code (E1..E5, overall), name, level, n, value, ci_low, ci_high, note
    forms: int  # forms counted (rows of the input)
    answered: int = field(default=0)  # forms with at least one valid answer


# ---------------------------------------------------------------- the arithmetic (numpy, vectorised)


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean ignoring NaN, NaN where nothing is left (np.nanmean warns on that)."""
    count = (~np.isnan(values)).sum(axis=axis)
    total = np.nansum(values, axis=axis)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _share(satisfied: np.ndarray, valid: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(valid > 0, satisfied / np.where(valid > 0, valid, 1) * 100, np.nan)


def aggregate(
    satisfied: np.ndarray, valid: np.ndarray, elements: list[str], settings: Settings
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per-criterion counts (k x C) -> element values (k x E) and the overall index (k), in percent.

    ``elements`` names each criterion's element. Works on one row of counts (the estimate) and on the
    bootstrap's k rows alike, so both follow the same rule.
    """
    names = list(dict.fromkeys(elements))
    member = np.array([[e == name for e in elements] for name in names])  # E x C
    shares = _share(satisfied, valid)
    if settings.element_rule == "mean_of_criteria":
        element_values = np.stack([_nanmean(shares[:, m], axis=1) for m in member], axis=1)
    else:
        element_values = np.stack(
            [_share(satisfied[:, m].sum(axis=1), valid[:, m].sum(axis=1)) for m in member], axis=1
        )
    if settings.overall_rule == "mean_of_elements":
        overall = _nanmean(element_values, axis=1)
    elif settings.overall_rule == "mean_of_criteria":
        overall = _nanmean(shares, axis=1)
    else:
        overall = _share(satisfied.sum(axis=1), valid.sum(axis=1))
    return names, element_values, overall


def answer_matrix(forms: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """Respondents x criteria scores as floats, NaN for no answer (and for a criterion the forms lack)."""
    return forms.reindex(columns=codes).to_numpy(dtype=float, na_value=np.nan).reshape(len(forms), len(codes))


@dataclass
class _Index:
    """Per group (rows): elements then the overall index — value, interval and n (forms with a valid answer)."""

    names: list[str]
    element_values: np.ndarray  # groups x elements
    value: np.ndarray  # groups x (elements + 1), the overall index last
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray


def _index(
    scores: np.ndarray, groups: list[np.ndarray], elements: list[str], settings: Settings, with_intervals: bool = True
) -> _Index:
    """Elements and the overall index of each group of forms (``groups``: row numbers of ``scores``, ascending).

    Many groups in one call (units, periods, a breakdown's groups): the point estimates aggregated in one pass,
    the percentiles taken in one call; each group is resampled on its own rows with the weights of its size
    (drawn once per size), exactly as if computed alone."""
    valid = ~np.isnan(scores)
    satisfied = (np.isin(scores, settings.satisfied) & valid).astype(float)
    valid = valid.astype(float)
    names, element_values, overall = aggregate(
        np.array([satisfied[rows].sum(axis=0) for rows in groups]).reshape(len(groups), len(elements)),
        np.array([valid[rows].sum(axis=0) for rows in groups]).reshape(len(groups), len(elements)),
        elements,
        settings,
    )
    answered = valid.sum(axis=1) > 0
    in_element = np.column_stack([valid[:, [e == name for e in elements]].sum(axis=1) > 0 for name in names])
    n = np.array([[*in_element[rows].sum(axis=0), answered[rows].sum()] for rows in groups], dtype=float)
    n = n.reshape(len(groups), len(names) + 1)
    value = np.column_stack([element_values, overall])
    low = high = np.full(value.shape, np.nan)
    drawn = [g for g, rows in enumerate(groups) if with_intervals and answered[rows].any()]
    if drawn:
        by_size: dict[int, list[int]] = {}  # the weights depend on the group's size only: one product per size
        for g in drawn:
            by_size.setdefault(len(groups[g]), []).append(g)
        replicates: dict[int, np.ndarray] = {}
        width = 2 * len(elements)
        for size, members in by_size.items():
            weights = intervals.resample_weights(size, settings.replicates, settings.seed)
            # counts of whole forms stay exact integers in float32, so one product serves every group of this size
            answers = np.hstack([np.hstack([satisfied[groups[g]], valid[groups[g]]]) for g in members])
            counts = (weights @ answers.astype(np.float32)).astype(float)
            for j, g in enumerate(members):
                both = counts[:, j * width : (j + 1) * width]
                _, element_b, overall_b = aggregate(
                    both[:, : len(elements)], both[:, len(elements) :], elements, settings
                )
                replicates[g] = np.column_stack([element_b, overall_b])
        found_low, found_high = intervals.percentile_interval(
            np.hstack([replicates[g] for g in drawn]), settings.confidence
        )
        low, high = np.full(value.shape, np.nan), np.full(value.shape, np.nan)
        low[drawn], high[drawn] = found_low.reshape(len(drawn), -1), found_high.reshape(len(drawn), -1)
    empty = n == 0
    return _Index(
        names,
        element_values,
        np.where(empty, np.nan, value),
        np.where(empty, np.nan, low),
        np.where(empty, np.nan, high),
        n,
    )


# ---------------------------------------------------------------- estimates as frames


def estimate(
    forms: pd.DataFrame, questionnaire: pd.DataFrame, settings: Settings, with_intervals: bool = True
) -> Estimate:
    """Criteria (Wilson) and elements + overall (bootstrap over respondents) for these forms."""
    criteria, elements, index = _estimates(
        answer_matrix(forms, questionnaire["code"].tolist()),
        [np.arange(len(forms))],
        questionnaire,
        settings,
        with_intervals,
    )
    return Estimate(criteria, elements, forms=len(forms), answered=int(index.n[0, -1]))


def _estimates(
    scores: np.ndarray, groups: list[np.ndarray], questionnaire: pd.DataFrame, settings: Settings, with_intervals: bool
) -> tuple[pd.DataFrame, pd.DataFrame, _Index]:
    """The criteria and elements tables of each group of forms, stacked group after group."""
    codes = questionnaire["code"].tolist()
    elements = questionnaire["element"].tolist()
    shape = (len(groups), len(codes))
    valid = ~np.isnan(scores)
    n = np.array([valid[rows].sum(axis=0) for rows in groups]).reshape(shape).astype(float)
    s = np.array([(np.isin(scores[rows], settings.satisfied) & valid[rows]).sum(axis=0) for rows in groups])
    d = np.array([(np.isin(scores[rows], settings.dissatisfied) & valid[rows]).sum(axis=0) for rows in groups])
    s, d = s.reshape(shape).astype(float), d.reshape(shape).astype(float)
    total = np.array([np.nansum(scores[rows], axis=0) for rows in groups]).reshape(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_score = np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)
    low, high = intervals.wilson(s, n, settings.confidence)
    value = _share(s, n)
    criteria = pd.DataFrame(
        {
            "code": codes * len(groups),
            "element": elements * len(groups),
            "name": questionnaire["criterion_text"].tolist() * len(groups),
            "element_name": questionnaire["element_name"].tolist() * len(groups),
            "n": n.ravel(),
            "satisfied": s.ravel(),
            "dissatisfied": d.ravel(),
            "value": value.ravel(),
            "share_dissatisfied": _share(d, n).ravel(),
            "mean_score": mean_score.ravel(),
            "ci_low": low.ravel() * 100,
            "ci_high": high.ravel() * 100,
            "gap_points": settings.target - value.ravel(),
            "gap_answers": intervals.answers_short_of_target(s, n, settings.target, settings.comparison).ravel(),
        }
    )
    index = _index(scores, groups, elements, settings, with_intervals)
    element_names = questionnaire.drop_duplicates("element").set_index("element")["element_name"]
    sizes = [elements.count(name) for name in index.names]
    notes = []
    for counts, values in zip(n, index.element_values):
        missing = [[c for c, e, k in zip(codes, elements, counts) if e == name and k == 0] for name in index.names]
        absent = [name for name, v in zip(index.names, values) if np.isnan(v)]
        notes += [_partial_note(m, size, "tiêu chí") for m, size in zip(missing, sizes)]
        notes.append(_partial_note(absent, len(index.names), "yếu tố"))
    table = pd.DataFrame(
        {
            "code": (index.names + [OVERALL]) * len(groups),
            "name": ([element_names[name] for name in index.names] + [OVERALL_NAME]) * len(groups),
            "level": (["group"] * len(index.names) + ["index"]) * len(groups),
            "n": index.n.ravel(),
            "value": index.value.ravel(),
            "ci_low": index.low.ravel(),
            "ci_high": index.high.ravel(),
            "note": notes,
        }
    )
    return criteria, table, index


def _partial_note(missing: list[str], size: int, what: str) -> str:
    """Say when a mean stands on fewer parts than it should (some parts had no valid answer)."""
    if not missing or len(missing) == size:
        return ""
    return f"chỉ tính trên {size - len(missing)}/{size} {what} có câu trả lời; chưa có: {', '.join(missing)}"


# ---------------------------------------------------------------- status and the long format


def min_answers(settings: Settings) -> float:
    """The boundary rule's floor: fewer answers than this can never be "met" (95 % target -> 73)."""
    return intervals.min_n_to_confirm(settings.target, settings.confidence, settings.comparison)


def survey_status(value, ci_low, ci_high, baseline, settings: Settings, n=None) -> np.ndarray:
    """no_data / met / improving / worse / flat / no_baseline, respecting the interval (vectorised).

    Under the interval rule, "met" also needs at least ``min_n_to_confirm`` answers (``n``), the same floor for
    criteria (where Wilson already implies it), elements and the index (whose bootstrap interval does not)."""
    value, low, high, base = (
        np.asarray(pd.to_numeric(pd.Series(x), errors="coerce"), dtype=float)
        for x in (value, ci_low, ci_high, baseline)
    )
    target = settings.target
    by_interval = settings.met_rule == "interval_beyond_target"
    edge = low if by_interval else value
    met = edge > target if settings.comparison == ">" else edge >= target
    if by_interval and n is not None:
        answers = np.asarray(pd.to_numeric(pd.Series(n), errors="coerce"), dtype=float)
        met &= answers >= min_answers(settings)
    return np.select(
        [np.isnan(value), met, np.isnan(base), low > base, high < base],
        ["no_data", "met", "no_baseline", "improving", "worse"],
        default="flat",
    )


def long_rows(
    result: Estimate,
    *,
    unit: str,
    period: str,
    baseline: Mapping[str, float],
    settings: Settings,
    owners: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The index, its elements and criteria as rows of the shared long format (index = "sipas")."""
    rows = _stacked(result.elements, result.criteria, settings).assign(unit=unit)
    base = rows["code"].map(pd.Series(dict(baseline), dtype=float)).astype(float)
    return _long(rows, base, rows["code"].map(pd.Series(dict(owners or {}), dtype="string")), period, settings)


def unit_rows(
    forms: pd.DataFrame,
    names: list[str],
    questionnaire: pd.DataFrame,
    *,
    period: str,
    baseline: pd.DataFrame,
    settings: Settings,
    owners: Mapping[str, str],
    with_intervals: bool = True,
) -> pd.DataFrame:
    """``long_rows`` of every unit in ``names`` from one table of forms, in one pass (``baseline``: unit, code,
    value). A unit without forms gets ``no_data_rows``: no baseline, no owner, as when computed alone."""
    if not names:
        return long_frame([])
    position = forms["unit"].map(pd.Series(range(len(names)), index=names)).to_numpy(dtype=float, na_value=np.nan)
    mine = ~np.isnan(position)
    position = position[mine].astype(int)
    order = np.argsort(position, kind="stable")  # each unit's forms in table order: the rows it is resampled on
    sizes = np.bincount(position, minlength=len(names))
    groups = np.split(order, np.cumsum(sizes)[:-1])
    scores = answer_matrix(forms[mine], questionnaire["code"].tolist())
    criteria, elements, _ = _estimates(scores, groups, questionnaire, settings, with_intervals)
    unit = np.concatenate(
        [
            np.repeat(np.arange(len(names)), len(elements) // len(names)),
            np.repeat(np.arange(len(names)), len(questionnaire)),
        ]
    )
    order = np.argsort(unit, kind="stable")  # unit by unit: its elements and index, then its criteria
    rows = _stacked(elements, criteria, settings).iloc[order].reset_index(drop=True)
    rows["unit"] = np.array(names, dtype=object)[unit[order]]
    has_forms = sizes[unit[order]] > 0
    known = baseline.drop_duplicates(["unit", "code"], keep="last").set_index(["unit", "code"])["value"]
    base = pd.Series(known.astype(float).reindex(pd.MultiIndex.from_frame(rows[["unit", "code"]])).to_numpy())
    owner = rows["code"].map(pd.Series(dict(owners), dtype="string"))
    return _long(rows, base.where(has_forms), owner.where(has_forms), period, settings)


def _stacked(elements: pd.DataFrame, criteria: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The elements and the index, then the criteria with their answers note: the rows of the long format."""
    criteria = criteria.assign(level="criterion", note=_answers_note(criteria, settings))
    columns = ["code", "name", "level", "n", "value", "ci_low", "ci_high", "note"]
    return pd.concat([elements, criteria[columns]], ignore_index=True)


def _long(rows: pd.DataFrame, base: pd.Series, owner: pd.Series, period: str, settings: Settings) -> pd.DataFrame:
    """Gaps, baseline and status of ``rows`` (one unit's or many), in the long format."""
    rows = rows.assign(
        period=period,
        index=INDEX,
        measure="percent",
        target=settings.target,
        baseline=base,
        baseline_period=np.where(base.notna(), settings.baseline_period, np.array(None)),
        gap_to_target=settings.target - rows["value"],
        change_vs_baseline=rows["value"] - base,
        status=survey_status(rows["value"], rows["ci_low"], rows["ci_high"], base, settings, rows["n"]),
        owner=owner,
    )
    no_data = rows["status"] == "no_data"
    rows.loc[no_data, ["gap_to_target", "change_vs_baseline"]] = np.nan
    return long_frame(rows)


def _answers_note(criteria: pd.DataFrame, settings: Settings) -> np.ndarray:
    """ "cần thêm k câu trả lời hài lòng trên n" — the gap in respondents, in words, for the Excel export."""
    n, k = criteria["n"].to_numpy(float), criteria["gap_answers"].to_numpy(float)
    n_text = pd.Series(np.nan_to_num(n).astype(int)).astype(str).to_numpy()
    k_text = pd.Series(np.nan_to_num(k).astype(int)).astype(str).to_numpy()
    short = "cần thêm " + k_text + " câu trả lời hài lòng trên " + n_text + f" để vượt {settings.target:g} %"
    return np.select(
        [n == 0, np.isnan(k), k == 0],
        [
            "chưa có câu trả lời",
            "không thể đạt chỉ tiêu với số câu trả lời này",
            "đạt chỉ tiêu trên " + n_text + " câu trả lời",
        ],
        default=short,
    )


def no_data_rows(questionnaire: pd.DataFrame, *, unit: str, period: str, settings: Settings) -> pd.DataFrame:
    """Rows for a unit without forms in the period: every figure NA with status no_data."""
    return long_rows(
        estimate(pd.DataFrame(), questionnaire, settings), unit=unit, period=period, baseline={}, settings=settings
    )


# ---------------------------------------------------------------- periods, breakdowns, trend


def in_period(forms: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Forms whose survey date falls in the period (a year pools its quarters)."""
    return forms[_in_period(forms, period)]


def _in_period(forms: pd.DataFrame, period: Period) -> np.ndarray:
    day = pd.to_datetime(forms["survey_date"]).dt.normalize()
    return ((day >= pd.Timestamp(period.first)) & (day <= pd.Timestamp(period.last))).to_numpy(dtype=bool)


def breakdown(
    forms: pd.DataFrame,
    questionnaire: pd.DataFrame,
    settings: Settings,
    dimension: str,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The overall index per group of one respondent attribute; groups under the minimum are flagged, not hidden.

    n = forms of the group with at least one valid answer. A blank attribute is its own group ("Không ghi").
    ``others`` = the index of everyone else, with its interval; ``clearly_lower`` when the interval of the
    difference (group - others) lies wholly below zero.
    """
    groups = group_labels(forms, dimension, labels)
    scores = answer_matrix(forms, questionnaire["code"].tolist())
    elements = questionnaire["element"].tolist()
    names = sorted(groups.unique(), key=str)
    inside = [(groups == group).to_numpy() for group in names]
    found = _index(scores, [np.flatnonzero(m) for one in inside for m in (one, ~one)], elements, settings)
    out = []
    for i, group in enumerate(names):
        own, rest = 2 * i, 2 * i + 1
        out.append(
            {
                "dimension": dimension,
                "group": group,
                "forms": int(inside[i].sum()),
                "n": found.n[own, -1],
                "value": found.value[own, -1],
                "ci_low": found.low[own, -1],
                "ci_high": found.high[own, -1],
                "others": found.value[rest, -1],
                "others_low": found.low[rest, -1],
                "others_high": found.high[rest, -1],
            }
        )
    table = pd.DataFrame(
        out,
        columns=[
            "dimension",
            "group",
            "forms",
            "n",
            "value",
            "ci_low",
            "ci_high",
            "others",
            "others_low",
            "others_high",
        ],
    )
    table["shown"] = table["n"] >= settings.min_group_answers
    table["clearly_lower"] = table["shown"] & _clearly_lower(table)
    table.loc[~table["shown"], ["value", "ci_low", "ci_high"]] = np.nan
    return table.sort_values(["shown", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)


def criterion_by_group(
    forms: pd.DataFrame, codes: list[str], settings: Settings, dimension: str, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Share satisfied per criterion x group, with Wilson intervals, and the share among everyone else.

    ``clearly_lower``: the interval of the difference with the other respondents (Newcombe) lies wholly below
    zero — the group drags the criterion down beyond sampling doubt. Groups under the minimum n are not judged.
    """
    groups = group_labels(forms, dimension, labels)
    out = []
    for code in codes:
        scores = pd.to_numeric(forms[code], errors="coerce") if code in forms else pd.Series(np.nan, index=forms.index)
        answered = scores.notna()
        satisfied = scores.isin(settings.satisfied) & answered
        counts = pd.DataFrame({"group": groups, "n": answered, "s": satisfied}).groupby("group").sum()
        total_n, total_s = counts["n"].sum(), counts["s"].sum()
        n, s = counts["n"].to_numpy(float), counts["s"].to_numpy(float)
        low, high = intervals.wilson(s, n, settings.confidence)
        others_low, others_high = intervals.wilson(total_s - s, total_n - n, settings.confidence)
        out.append(
            pd.DataFrame(
                {
                    "code": code,
                    "dimension": dimension,
                    "group": counts.index,
                    "n": n,
                    "satisfied": s,
                    "value": _share(s, n),
                    "ci_low": low * 100,
                    "ci_high": high * 100,
                    "others": _share(total_s - s, total_n - n),
                    "others_low": others_low * 100,
                    "others_high": others_high * 100,
                }
            )
        )
    columns = [
        "code",
        "dimension",
        "group",
        "n",
        "satisfied",
        "value",
        "ci_low",
        "ci_high",
        "others",
        "others_low",
        "others_high",
    ]
    table = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)
    table["shown"] = table["n"] >= settings.min_group_answers
    table["clearly_lower"] = table["shown"] & _clearly_lower(table)
    return table


def _clearly_lower(table: pd.DataFrame) -> np.ndarray:
    """The interval of (group - others) lies wholly below zero; False where either side has no data."""
    _, upper = intervals.difference_interval(
        table["value"], table["ci_low"], table["ci_high"], table["others"], table["others_low"], table["others_high"]
    )
    return np.nan_to_num(upper, nan=0.0) < 0


def group_labels(forms: pd.DataFrame, dimension: str, labels: Mapping[str, str] | None = None) -> pd.Series:
    """The attribute as group names: coded values translated (``labels``, default GROUP_LABELS), blanks ->
    "Không ghi"."""
    values = (
        forms[dimension].astype("string") if dimension in forms else pd.Series(pd.NA, index=forms.index, dtype="string")
    )
    labels = GROUP_LABELS.get(dimension) if labels is None else labels
    if labels:
        values = values.map(lambda v: labels.get(v, v) if isinstance(v, str) else v).astype("string")
    return values.fillna("Không ghi")


def weakest(criteria: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """The criteria with the lowest share satisfied (ties in questionnaire order); criteria without data skipped."""
    usable = criteria[criteria["n"] > 0]
    return usable.sort_values("value", kind="stable").head(count)


def trend(forms: pd.DataFrame, questionnaire: pd.DataFrame, settings: Settings, periods: list[Period]) -> pd.DataFrame:
    """The overall index per period with its interval and n, for a chart across quarters."""
    chosen = [np.flatnonzero(_in_period(forms, period)) for period in periods]
    found = _index(
        answer_matrix(forms, questionnaire["code"].tolist()), chosen, questionnaire["element"].tolist(), settings
    )
    out = [
        {
            "period": period.label,
            "label": period.label_vi,
            "forms": len(rows),
            "n": found.n[i, -1],
            "value": found.value[i, -1],
            "ci_low": found.low[i, -1],
            "ci_high": found.high[i, -1],
        }
        for i, (period, rows) in enumerate(zip(periods, chosen))
    ]
    return pd.DataFrame(out, columns=["period", "label", "forms", "n", "value", "ci_low", "ci_high"])
