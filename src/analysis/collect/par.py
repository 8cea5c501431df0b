"""PAR INDEX at the I/O edge: read the processed scores and the reference files, call the pure functions.

``rows(processed, period)`` gives the long format for every unit; ``unit_view(...)`` everything the PAR
report shows for one unit. The period's year is compared with the year before: a 2024Q2 batch takes each
unit's latest 2024 assessment dated at or before 30/06/2024 (its Q2 self-assessment) against its 2023 one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.indicators.long import long_frame
from analysis.indicators.par import comparable_nodes, compare, latest_scores, long_rows, no_data_rows, notes, rating
from analysis.indicators.par_views import (
    owner_stakes,
    pareto,
    province_ranking,
    ranking,
    self_gap,
    unit_totals,
    without_counterpart,
)
from analysis.ingest.par import SOURCE
from analysis.ingest.par_checks import issue_frame, issues
from analysis.periods import Period
from analysis.reference import plan, units
from analysis.reference.par import province_results, read_mapping, read_owners, read_ratings, read_sets
from analysis.reference.par_tree import TOTAL, CriteriaSet, owner_of, rollup
from analysis.store import cache as file_cache


@dataclass(frozen=True)
class Inputs:
    table: pd.DataFrame | None  # processed scores, None when no PAR file was ingested
    quarantine: pd.DataFrame
    sets: dict[int, CriteriaSet]
    owners: pd.DataFrame
    bands: pd.DataFrame


@dataclass(frozen=True)
class Comparison:
    year: int
    baseline_year: int
    now_scores: pd.DataFrame  # latest_scores of the period's year (all units)
    before_scores: pd.DataFrame
    before: pd.DataFrame  # rollup of the baseline year
    pairs: pd.DataFrame | None  # counterparts baseline -> now, None without a baseline criteria set
    compared: pd.DataFrame  # compare() of the period's year, with ``owner``


def load(processed: Path | str | None = None, reference: Path | None = None) -> Inputs:
    sets, owners, bands = file_cache.memo(
        "par.reference",
        (str(reference),),
        file_cache.reference_files(reference),
        lambda: (read_sets(reference), read_owners(reference), read_ratings(reference)),
    )
    return Inputs(store.read_table(SOURCE, processed), store.read_quarantine(SOURCE, processed), sets, owners, bands)


def city(processed: Path | str | None, period: Period) -> tuple[Inputs, Comparison | None]:
    """The inputs and the comparison of every unit, computed once per version of the files behind them: every
    unit's report (and the indicators) start from the same city-wide comparison."""
    folder = store.processed_dir(processed)

    def compute() -> tuple[Inputs, Comparison | None]:
        inputs = load(folder)
        return inputs, comparison(inputs, period)

    return file_cache.memo("par.city", (period.label,), _files(folder), compute)


def _files(folder: Path) -> list[Path]:
    return [*store.table_files(SOURCE, folder), *file_cache.reference_files()]


def unit_issues(processed: Path | str | None, inputs: Inputs, unit: str) -> pd.DataFrame:
    """The validation issues of one unit's scores: the city's, checked once per version of the files."""
    folder = store.processed_dir(processed)
    table = inputs.table if inputs.table is not None else _empty_scores()
    every = file_cache.memo("par.issues", (), _files(folder), lambda: issues(table, inputs.sets, inputs.quarantine))
    return every[every["unit"] == unit].reset_index(drop=True)


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in [
                ("unit", "string"),
                ("code", "string"),
                ("points", "Float64"),
                ("self_points", "Float64"),
                ("appraised_points", "Float64"),
                ("evidence", "string"),
                ("as_of", "datetime64[us]"),
                ("basis", "string"),
            ]
        }
    )


def comparison(inputs: Inputs, period: Period) -> Comparison | None:
    """The period's year against the plan's baseline year, for every unit; None without scores or a criteria set."""
    year, baseline_year = period.year, plan.baseline_year()
    if inputs.table is None or year not in inputs.sets:
        return None
    tree = inputs.sets[year].tree
    now_scores = latest_scores(inputs.table, year, pd.Timestamp(period.last))
    has_base = baseline_year in inputs.sets and baseline_year < year
    before_scores = latest_scores(inputs.table, baseline_year) if has_base else _empty_scores()
    base_tree = inputs.sets[baseline_year].tree if has_base else tree.iloc[0:0]
    pairs = read_mapping(baseline_year, year, inputs.sets) if has_base else None
    before = rollup(before_scores, base_tree) if has_base else rollup(_empty_scores(), tree)
    if pairs is not None:
        links = comparable_nodes(tree, base_tree, pairs)
    else:
        links = pd.DataFrame({"code": [TOTAL, *tree["code"]], "code_before": pd.NA, "comparable": False})
        links = links.astype({"code": "string", "code_before": "string"})
    compared = compare(rollup(now_scores, tree), before, links)
    owners = owner_of(tree, inputs.owners).set_axis(tree["code"])
    compared["owner"] = compared["code"].map(owners).astype("string")
    return Comparison(year, baseline_year, now_scores, before_scores, before, pairs, compared)


def rows(processed: Path, period: Period) -> pd.DataFrame:
    """The long format for every unit (index "par"); units without points for the period get a no_data
    total row; an empty frame when no PAR file was ingested at all."""
    inputs, found = city(processed, period)
    if inputs.table is None:
        return long_frame([])
    known = [u.unit for u in units.all_units()]
    if found is None:
        return no_data_rows(known, period.label, plan.baseline_year())
    compared = found.compared
    scored = long_rows(
        compared,
        period.label,
        found.baseline_year,
        compared.set_index(["code"])["owner"].groupby(level=0).first(),
        inputs.bands,
    )
    missing = [u for u in known if u not in set(compared["unit"])]
    return long_frame(pd.concat([scored, no_data_rows(missing, period.label, found.baseline_year)], ignore_index=True))


@dataclass(frozen=True)
class ParView:
    """Everything the PAR report shows for one unit and period (frames empty when there is no data)."""

    unit: str
    period: Period
    year: int
    baseline_year: int
    has_data: bool  # the unit has points for the period's year
    has_baseline: bool  # ... and for the year before
    basis: str | None  # "self" or "appraised"
    as_of: pd.Timestamp | None
    baseline_basis: str | None
    nodes: pd.DataFrame  # compare() rows of the unit, every node, with owner, evidence and rating
    unmatched: pd.DataFrame  # criteria without a counterpart between the two years
    pareto: pd.DataFrame
    self_gap: pd.DataFrame  # baseline year, self-assessed vs appraised
    owners: pd.DataFrame
    peers: pd.DataFrame  # every unit of the city, now and in the baseline year
    province: pd.DataFrame  # QĐ 2729, Tây Ninh's departments and districts (real)
    issues: pd.DataFrame  # validation issues of this unit's scores
    quarantine: pd.DataFrame  # quarantined score rows of this unit
    bands: pd.DataFrame
    set_status: dict[int, str]  # criteria set status (sample / official) per year


def _peers(found: Comparison, bands: pd.DataFrame) -> pd.DataFrame:
    totals = unit_totals(found.compared)
    now = ranking(totals[["unit", "points", "max_points"]], bands)
    before = ranking(
        totals[["unit", "baseline", "baseline_max"]].rename(
            columns={"baseline": "points", "baseline_max": "max_points"}
        ),
        bands,
    )
    out = now.merge(before, on="unit", suffixes=("_now", "_before"))
    display = {u.unit: u.display for u in units.all_units()}
    out["display"] = out["unit"].map(display).fillna(out["unit"])
    return out


def unit_view(processed: Path | str | None, period: Period | str, unit: str) -> ParView:
    """The PAR report's data for ``unit`` (a canonical name of units.csv) and ``period``."""
    period = Period.parse(period) if isinstance(period, str) else period
    inputs, found = city(processed, period)
    province = province_ranking(province_results(), inputs.bands)
    status = {year: s.status for year, s in inputs.sets.items()}
    empty = pd.DataFrame()
    if found is None or unit not in set(found.now_scores["unit"]):
        return ParView(
            unit,
            period,
            period.year,
            plan.baseline_year(),
            False,
            False,
            None,
            None,
            None,
            empty,
            empty,
            empty,
            empty,
            empty,
            _peers(found, inputs.bands) if found else empty,
            province,
            issue_frame(),
            inputs.quarantine.iloc[0:0],
            inputs.bands,
            status,
        )
    mine = found.compared[found.compared["unit"] == unit].reset_index(drop=True)
    scores = found.now_scores[found.now_scores["unit"] == unit]
    mine["evidence"] = mine["code"].map(scores.set_index("code")["evidence"])
    mine["rating"] = rating(mine["share"], inputs.bands)
    mine["baseline_rating"] = rating(mine["baseline_share"], inputs.bands)
    mine["note"] = notes(mine, found.baseline_year)
    before_scores = found.before_scores[found.before_scores["unit"] == unit]
    base_tree = inputs.sets[found.baseline_year].tree if found.baseline_year in inputs.sets else None
    before = found.before[found.before["unit"] == unit]
    unmatched = without_counterpart(found.pairs, before, mine) if found.pairs is not None else empty
    found_issues = unit_issues(processed, inputs, unit)
    held = inputs.quarantine["record_id"].fillna("").str.startswith(f"{unit} |")
    return ParView(
        unit,
        period,
        found.year,
        found.baseline_year,
        True,
        not before_scores.empty,
        scores["basis"].iloc[0],
        scores["as_of"].iloc[0],
        before_scores["basis"].iloc[0] if len(before_scores) else None,
        mine,
        unmatched,
        pareto(mine),
        self_gap(before_scores, base_tree) if base_tree is not None else empty,
        owner_stakes(mine),
        _peers(found, inputs.bands),
        province,
        found_issues,
        inputs.quarantine[held].reset_index(drop=True),
        inputs.bands,
        status,
    )
