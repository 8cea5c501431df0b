"""PAR INDEX criteria trees, pure: ancestry, the total node, counterparts between years, owners, roll-ups.

A set is a tree: fields (lĩnh vực) at depth 1, criteria (tiêu chí) at depth 2, sub-criteria (tiêu chí thành
phần) below; a parent's maximum is the sum of its children's, the fields add up to the set's total. Leaves
carry the points; everything above is computed from them. Sets change between years, so comparing two
years goes through ``counterparts`` — a criterion without one is named, never compared by its code alone.
The files are read and checked by ``analysis.reference.par``; everything here takes and returns frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.errors import UserError

TOTAL = "total"  # the code of the unit total in the long format
EPS = 0.005  # lost amounts below this are no loss (points have two decimals)


class CriteriaError(UserError):
    """Two criteria sets and a mapping that do not fit together; the message lists every problem."""


@dataclass(frozen=True)
class CriteriaSet:
    year: int
    file: str
    total_points: float | None  # None: criteria_sets.csv gives no total
    status: str  # "sample" or "official"
    tree: pd.DataFrame  # code, parent, name, max_points, method, evidence, line, depth, level, is_leaf, field


def lineage(tree: pd.DataFrame) -> pd.DataFrame:
    """Every (ancestor, code, distance) pair of the tree, each node its own ancestor at distance 0."""
    parent_of = tree.set_index("code")["parent"]
    pairs, distance = [], 0
    step = pd.DataFrame({"ancestor": tree["code"], "code": tree["code"]})
    while len(step) and distance <= len(tree):  # deeper than the tree is long = a cycle, which tree_problems reports
        pairs.append(step.assign(distance=distance))
        up = step["ancestor"].map(parent_of)
        step = pd.DataFrame({"ancestor": up, "code": step["code"]})[up.notna() & (up != "")]
        distance += 1
    if not pairs:  # an empty tree (no scores yet in the period) has no pairs
        return pd.DataFrame({"ancestor": [], "code": [], "distance": []}).astype(
            {"ancestor": "string", "code": "string", "distance": "int64"}
        )
    return pd.concat(pairs, ignore_index=True).astype({"ancestor": "string", "code": "string"})


def with_total(tree: pd.DataFrame) -> pd.DataFrame:
    """The tree under one root node ``total`` (depth 0, level "index") whose children are the fields."""
    root = pd.DataFrame(
        {
            "code": [TOTAL],
            "parent": [pd.NA],
            "name": ["Tổng điểm"],
            "max_points": [tree.loc[tree["depth"] == 1, "max_points"].sum()],
            "method": [pd.NA],
            "evidence": [pd.NA],
            "line": [0],
            "depth": [0],
            "level": ["index"],
            "is_leaf": [False],
            "field": [pd.NA],
        }
    )
    children = tree.assign(parent=tree["parent"].fillna(TOTAL))
    return pd.concat([root.astype(tree.dtypes.to_dict()), children], ignore_index=True)


def rollup(
    scores: pd.DataFrame, tree: pd.DataFrame, column: str = "points", keys: Sequence[str] = ("unit",)
) -> pd.DataFrame:
    """Per unit (or per ``keys``) and node of the tree, total included: max_points, points, lost, share
    (percent) and the scored part. ``scores`` holds the keys, code and ``column``; non-leaf codes are ignored."""
    keys = list(keys)
    full = with_total(tree)
    leaves = full.loc[full["is_leaf"], ["code", "max_points"]]
    units = scores[keys].drop_duplicates()
    given = scores.loc[scores["code"].isin(leaves["code"]), [*keys, "code", column]].rename(
        columns={column: "leaf_points"}
    )
    grid = units.merge(leaves, how="cross").merge(given, on=[*keys, "code"], how="left")
    grid["scored_max"] = grid["max_points"].where(grid["leaf_points"].notna(), 0.0)
    pairs = lineage(full)[["ancestor", "code"]].merge(grid, on="code")
    sums = pairs.groupby([*keys, "ancestor"], as_index=False).agg(
        n_leaves=("code", "size"),
        n_scored=("leaf_points", "count"),
        scored_points=("leaf_points", "sum"),
        scored_max=("scored_max", "sum"),
    )
    nodes = full.drop(columns=["line"]).rename(columns={"code": "ancestor"})
    out = sums.merge(nodes, on="ancestor").rename(columns={"ancestor": "code"})
    complete = out["n_scored"] == out["n_leaves"]
    out["points"] = out["scored_points"].astype("Float64").where(complete)
    out["n_unscored"] = out["n_leaves"] - out["n_scored"]
    out["lost"] = out["max_points"] - out["points"]
    out["scored_lost"] = out["scored_max"] - out["scored_points"]
    out["share"] = share(out["points"], out["max_points"])
    if "basis" in scores:
        out = out.merge(scores.groupby(keys, as_index=False)[["basis", "as_of"]].first(), on=keys, how="left")
    order = full["code"].reset_index().set_index("code")["index"]
    out = out.assign(_order=out["code"].map(order)).sort_values([*keys, "_order"]).drop(columns="_order")
    return out.reset_index(drop=True)


def share(points: pd.Series, maximum: pd.Series) -> pd.Series:
    """Points as a percent of the maximum (the published "tỷ lệ"), NA where points are missing."""
    return pd.to_numeric(points).astype("Float64") / pd.to_numeric(maximum).astype("Float64") * 100


# ---------------------------------------------------------------- between years


def counterparts(mapping: pd.DataFrame, tree_from: pd.DataFrame, tree_to: pd.DataFrame) -> pd.DataFrame:
    """One row per code of either year: code_from, code_to (NA = no counterpart), change, note.

    ``mapping`` lists only what changed (columns code_from, code_to, change, note); a code present in both
    trees and not claimed by a mapping row on either side is the same criterion ("same").
    """
    listed = mapping.astype({"code_from": "string", "code_to": "string"})
    problems = []
    for side, tree, year_side in [("code_from", tree_from, "first"), ("code_to", tree_to, "second")]:
        codes = listed[side].dropna()
        problems += [f"code {c} is not in the {year_side} year's set" for c in codes[~codes.isin(tree["code"])]]
        problems += [f"code {c} is listed more than once" for c in codes[codes.duplicated()].unique()]
    if (listed["code_from"].isna() & listed["code_to"].isna()).any():
        problems.append("a row names no code")
    if problems:
        raise CriteriaError("; ".join(problems))
    same = tree_from.loc[tree_from["code"].isin(tree_to["code"]), ["code"]]
    same = same[~same["code"].isin(listed["code_from"].dropna()) & ~same["code"].isin(listed["code_to"].dropna())]
    same = pd.DataFrame({"code_from": same["code"], "code_to": same["code"], "change": "same", "note": pd.NA})
    pairs = pd.concat([listed[["code_from", "code_to", "change", "note"]], same], ignore_index=True)
    orphans_from = tree_from.loc[~tree_from["code"].isin(pairs["code_from"].dropna()), "code"]
    orphans_to = tree_to.loc[~tree_to["code"].isin(pairs["code_to"].dropna()), "code"]
    orphans = pd.concat(
        [
            pd.DataFrame({"code_from": orphans_from, "code_to": pd.NA, "change": "dropped"}),
            pd.DataFrame({"code_from": pd.NA, "code_to": orphans_to, "change": "new"}),
        ]
    )
    pairs = pd.concat([pairs, orphans.assign(note="không có trong bảng đối chiếu")], ignore_index=True)
    return pairs.astype("string").reset_index(drop=True)


def owner_of(tree: pd.DataFrame, owners: pd.DataFrame) -> pd.Series:
    """code -> owner of its most specific listed ancestor (itself included); NA where none is listed."""
    found = lineage(tree).merge(owners[["code", "owner"]].rename(columns={"code": "ancestor"}), on="ancestor")
    best = found.sort_values(["code", "distance"]).drop_duplicates("code")
    return tree["code"].map(best.set_index("code")["owner"]).astype("string").rename("owner")
