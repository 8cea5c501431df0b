"""PAR INDEX views for the report: Pareto of lost points, self-assessment gap, owners, peers. Pure.

Inputs are the frames of ``indicators.par`` (rollup / compare) for one unit, or the totals of many units.
"""

from __future__ import annotations

import pandas as pd

from analysis.indicators.par import rating
from analysis.reference.par_tree import EPS, TOTAL, rollup, share

VITAL_SHARE = 80.0  # the Pareto's "few criteria that hold most of the lost points": up to 80 % cumulated


def pareto(compared: pd.DataFrame, level: str = "criterion") -> pd.DataFrame:
    """Criteria of ``level`` that lost points now, most first: lost (the scored part), cumulative lost and
    share of all lost points (percent), ``vital`` for those needed to reach VITAL_SHARE % of the loss."""
    nodes = compared[(compared["level"] == level) & (compared["scored_lost"] > EPS)]
    nodes = nodes.sort_values(["scored_lost", "code"], ascending=[False, True])
    out = nodes[["code", "name", "owner", "status", "max_points"]].assign(lost=nodes["scored_lost"])
    total = out["lost"].sum()
    out["cum_lost"] = out["lost"].cumsum()
    out["cum_share"] = out["cum_lost"] / total * 100 if total > 0 else pd.Series(dtype="Float64")
    before = out["cum_share"].shift(1, fill_value=0.0)
    out["vital"] = before < VITAL_SHARE - 1e-9
    return out.reset_index(drop=True)


def self_gap(scores: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Self-assessed against appraised points of one assessment, per node, over the leaves that carry both:
    self, appraised, gap = self − appraised (positive = the unit over-rated itself), n_leaves compared."""
    both = scores[scores["self_points"].notna() & scores["appraised_points"].notna()]
    if both.empty:
        return pd.DataFrame(columns=["code", "name", "level", "is_leaf", "self", "appraised", "gap", "n_compared"])
    self_part = rollup(both, tree, "self_points")
    appraised = rollup(both, tree, "appraised_points")
    out = self_part[["code", "name", "level", "is_leaf", "scored_points", "n_scored"]].rename(
        columns={"scored_points": "self", "n_scored": "n_compared"}
    )
    out["appraised"] = appraised["scored_points"].to_numpy()
    out["gap"] = out["self"] - out["appraised"]
    return out[out["n_compared"] > 0].reset_index(drop=True)


def owner_stakes(compared: pd.DataFrame) -> pd.DataFrame:
    """Per owner, over the leaves they answer for: points lost now (scored part), leaves still losing,
    points lost in 2023, recovered, still lost and newly lost — most points at stake first."""
    leaves = compared[compared["is_leaf"].astype(bool)].assign(
        owner=compared["owner"].fillna("Chưa phân công"),
        lost_now=compared["scored_lost"],
        losing=(compared["scored_lost"] > EPS).astype(int),
    )
    out = leaves.groupby("owner", as_index=False).agg(
        leaves=("code", "size"),
        losing=("losing", "sum"),
        lost_now=("lost_now", "sum"),
        lost_before=("lost_before", "sum"),
        recovered=("recovered_points", "sum"),
        still_lost=("still_lost_points", "sum"),
        newly_lost=("newly_lost_points", "sum"),
    )
    return out.sort_values(["lost_now", "owner"], ascending=[False, True]).reset_index(drop=True)


def ranking(totals: pd.DataFrame, bands: pd.DataFrame, by: str = "ratio") -> pd.DataFrame:
    """Units ranked by ratio = points / max × 100 (2 decimals, as published; ties share a rank), rated."""
    out = totals.copy()
    if "ratio" not in out or out["ratio"].isna().any():
        computed = share(out["points"], out["max_points"]).round(2)
        out["ratio"] = computed if "ratio" not in out else out["ratio"].astype("Float64").fillna(computed)
    out["rank"] = out[by].rank(ascending=False, method="min").astype("Int64")
    out["rating"] = rating(out["ratio"], bands)
    return out.sort_values(["rank", "unit"]).reset_index(drop=True)


def province_ranking(published: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """QĐ 2729 (Tây Ninh 2023): ratio computed as appraised / max where the points are published, else the
    published ratio; ranked within departments and within districts; the published ratio, rating and rank
    are kept beside (``published_*``) so the two can be compared."""
    frame = published.rename(
        columns={
            "appraised_points": "points",
            "ratio_percent": "published_ratio",
            "rating": "published_rating",
            "rank_in_type": "published_rank",
        }
    )
    frame = frame.assign(ratio=share(frame["points"], frame["max_points"]).round(2))
    frame["ratio"] = frame["ratio"].fillna(frame["published_ratio"].astype("Float64"))
    parts = [ranking(group, bands).assign(unit_type=kind) for kind, group in frame.groupby("unit_type", sort=False)]
    return pd.concat(parts, ignore_index=True)


def unit_totals(compared: pd.DataFrame) -> pd.DataFrame:
    """unit, points, max_points and baseline of the total row of every unit."""
    total = compared[compared["code"] == TOTAL]
    return total[["unit", "points", "max_points", "baseline", "baseline_max"]].reset_index(drop=True)


def without_counterpart(pairs: pd.DataFrame, before: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """Criteria of either year without a counterpart, named: side ("dropped" / "new"), code, name, level,
    and the unit's points lost on them in that year (``before`` / ``now``: the unit's rollups)."""
    dropped = pairs[pairs["code_to"].isna()][["code_from", "note"]].rename(columns={"code_from": "code"})
    new = pairs[pairs["code_from"].isna()][["code_to", "note"]].rename(columns={"code_to": "code"})
    columns = ["code", "name", "level", "max_points", "points", "lost"]
    dropped = dropped.merge(before[columns], on="code", how="left").assign(side="dropped")
    new = new.merge(now[columns], on="code", how="left").assign(side="new")
    return pd.concat([dropped, new], ignore_index=True)
