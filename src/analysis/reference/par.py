"""PAR INDEX criteria sets (bộ tiêu chí): read one per year, check the tree, map codes between years.

A set is a tree: fields (lĩnh vực) at depth 1, criteria (tiêu chí) at depth 2, sub-criteria (tiêu chí thành
phần) below; a parent's maximum is the sum of its children's, the fields add up to the set's total. Leaves
carry the points; everything above is computed from them. Sets change between years, so comparing two
years goes through ``counterparts`` — a criterion without one is named, never compared by its code alone.
The readers do file I/O (reference files, like plan.py); the tree helpers are pure.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.ingest.tables import AliasTable, IngestError, find_header, read_sheets, records_under, text_column
from analysis.text import fold

CRITERIA_COLUMNS = ("code", "parent", "name", "max_points", "method", "evidence")
METHODS = ("appraisal", "survey")
METHOD_VI = {"appraisal": "thẩm định", "survey": "điều tra xã hội học"}
LEVEL_BY_DEPTH = {0: "index", 1: "group", 2: "criterion"}  # deeper nodes are sub-criteria
LEVEL_VI = {"index": "Tổng", "group": "Lĩnh vực", "criterion": "Tiêu chí", "subcriterion": "Tiêu chí thành phần"}
TOTAL = "total"  # the code of the unit total in the long format
TOLERANCE = 1e-6  # maxima are written to at most 2 decimals
CRITERIA_ALIASES = AliasTable({fold(c): c for c in CRITERIA_COLUMNS})


class CriteriaError(IngestError):
    """A criteria set, mapping or settings file that cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class CriteriaSet:
    year: int
    file: str
    total_points: float
    status: str  # "sample" or "official"
    tree: pd.DataFrame  # code, parent, name, max_points, method, evidence, line, depth, level, is_leaf, field


def folder_of(folder: Path | None) -> Path:
    return folder or paths.reference("par")


# ---------------------------------------------------------------- values

def parse_points(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> (points as Float64, bad): numbers, or text with a decimal comma ("1,5") or point; blank -> NA."""
    text = text_column(values)
    cleaned = text.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
    points = pd.to_numeric(cleaned, errors="coerce").astype("Float64")
    bad = text.notna() & points.isna()
    return points, bad.astype(bool)


# ---------------------------------------------------------------- the tree

def _table_rows(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """The rows under the header naming every ``required`` column, raw, with their 1-based line numbers."""
    sheet = read_sheets(path)[0]
    header = find_header(sheet, CRITERIA_ALIASES, required)
    if header is None:
        raise CriteriaError(f"{path.name}: no header row with the columns {', '.join(required)}")
    return records_under(sheet, header).frame.rename(columns={"source_row": "line"})


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
    return pd.concat(pairs, ignore_index=True).astype({"ancestor": "string", "code": "string"})


def tree_problems(tree: pd.DataFrame, total_points: float | None) -> list[str]:
    """Everything wrong with a tree (duplicate or blank codes, unknown parents, bad maxima or methods,
    parents whose maximum is not the sum of their children's, fields not adding up to ``total_points``)."""
    problems = []
    where = "line " + tree["line"].astype(str) + ", code " + tree["code"].fillna("?")
    for mask, what in [(tree["code"].isna(), "the code is blank"),
                       (tree["code"].duplicated(keep=False) & tree["code"].notna(), "the code appears more than once"),
                       (tree["max_points"].isna() | (tree["max_points"] <= 0), "max_points is not a positive number"),
                       (tree["parent"].notna() & ~tree["parent"].isin(tree["code"]), "its parent is not in the set")]:
        problems += [f"{w}: {what}" for w in where[mask]]
    if problems:
        return problems
    depth = lineage(tree).groupby("code")["distance"].max()
    if depth.max() >= len(tree):
        return ["the parent links form a cycle"]
    children = tree[tree["parent"].notna()].groupby("parent")["max_points"].sum()
    parents = tree[tree["code"].isin(children.index)].set_index("code")
    gap = (parents["max_points"] - children.reindex(parents.index)).abs() > TOLERANCE
    for code in parents.index[gap]:
        row = parents.loc[code]
        problems.append(f"line {row['line']}, code {code}: max_points {row['max_points']:g} ≠ sum of its "
                        f"children's {children[code]:g}")
    leaves = tree[~tree["code"].isin(children.index)]
    bad_method = leaves[~leaves["method"].isin(METHODS)]
    problems += [f"line {r.line}, code {r.code}: method {r.method!r} is not one of {', '.join(METHODS)}"
                 for r in bad_method.itertuples()]  # a tree is a few hundred rows at most
    fields_total = tree.loc[tree["parent"].isna(), "max_points"].sum()
    if total_points is not None and abs(fields_total - total_points) > TOLERANCE:
        problems.append(f"the fields add up to {fields_total:g} points, not {total_points:g}")
    return problems


def build_tree(raw: pd.DataFrame, total_points: float | None, file_name: str) -> pd.DataFrame:
    """Raw rows (code, parent, name, max_points, method, evidence, line) -> a checked tree with depth,
    level, is_leaf and field; a CriteriaError listing every problem otherwise."""
    blank = pd.Series(None, index=raw.index, dtype=object)
    tree = pd.DataFrame({"code": text_column(raw["code"]), "parent": text_column(raw.get("parent", blank)),
                         "name": text_column(raw["name"])})
    tree["max_points"], bad = parse_points(raw["max_points"])
    tree["method"] = text_column(raw.get("method", blank)).str.lower()
    tree["evidence"] = text_column(raw.get("evidence", blank))
    tree["line"] = raw["line"].astype("int64")
    problems = [f"line {line}: max_points {value!r} is not a number"
                for line, value in zip(tree["line"][bad], raw.loc[bad, "max_points"])]
    problems += tree_problems(tree, total_points)
    if problems:
        raise CriteriaError(f"{file_name}: " + "; ".join(problems))
    depth = lineage(tree).groupby("code")["distance"].max() + 1
    tree["depth"] = tree["code"].map(depth).astype("int64")
    tree["level"] = tree["depth"].map(LEVEL_BY_DEPTH).fillna("subcriterion")
    tree["is_leaf"] = ~tree["code"].isin(tree["parent"].dropna())
    field_of = lineage(tree).merge(tree[["code", "depth"]].rename(columns={"code": "ancestor"}), on="ancestor")
    tree["field"] = tree["code"].map(field_of[field_of["depth"] == 1].set_index("code")["ancestor"])
    return tree.reset_index(drop=True)


def with_total(tree: pd.DataFrame) -> pd.DataFrame:
    """The tree under one root node ``total`` (depth 0, level "index") whose children are the fields."""
    root = pd.DataFrame({"code": [TOTAL], "parent": [pd.NA], "name": ["Tổng điểm"],
                         "max_points": [tree.loc[tree["depth"] == 1, "max_points"].sum()], "method": [pd.NA],
                         "evidence": [pd.NA], "line": [0], "depth": [0], "level": ["index"], "is_leaf": [False],
                         "field": [pd.NA]})
    children = tree.assign(parent=tree["parent"].fillna(TOTAL))
    return pd.concat([root.astype(tree.dtypes.to_dict()), children], ignore_index=True)


def read_index(folder: Path | None = None) -> pd.DataFrame:
    """criteria_sets.csv: year, file, total_points, status, note."""
    frame = pd.read_csv(folder_of(folder) / "criteria_sets.csv", comment="#", dtype=str).fillna("")
    frame["year"] = frame["year"].astype(int)
    frame["total_points"] = pd.to_numeric(frame["total_points"], errors="coerce")
    return frame


def read_set(year: int, folder: Path | None = None) -> CriteriaSet:
    """The checked criteria set of ``year``; a CriteriaError when it is missing or broken."""
    index = read_index(folder)
    entry = index[index["year"] == year]
    if entry.empty:
        raise CriteriaError(f"criteria_sets.csv: no criteria set for {year} (known: "
                            f"{', '.join(map(str, index['year']))})")
    entry = entry.iloc[0]
    path = folder_of(folder) / entry["file"]
    if not path.exists():
        raise CriteriaError(f"criteria_sets.csv: the criteria set file {entry['file']!r} of {year} does not exist")
    total = None if pd.isna(entry["total_points"]) else float(entry["total_points"])
    raw = _table_rows(path, ("code", "name", "max_points"))
    return CriteriaSet(year, entry["file"], total, entry["status"], build_tree(raw, total, path.name))


def read_sets(folder: Path | None = None) -> dict[int, CriteriaSet]:
    return {int(year): read_set(int(year), folder) for year in read_index(folder)["year"]}


# ---------------------------------------------------------------- between years

def counterparts(mapping: pd.DataFrame, tree_from: pd.DataFrame, tree_to: pd.DataFrame) -> pd.DataFrame:
    """One row per code of either year: code_from, code_to (NA = no counterpart), change, note.

    ``mapping`` lists only what changed (columns code_from, code_to, change, note); a code present in both
    trees and not claimed by a mapping row on either side is the same criterion ("same").
    """
    listed = mapping.assign(code_from=text_column(mapping["code_from"]), code_to=text_column(mapping["code_to"]))
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
    orphans = pd.concat([pd.DataFrame({"code_from": orphans_from, "code_to": pd.NA, "change": "dropped"}),
                         pd.DataFrame({"code_from": pd.NA, "code_to": orphans_to, "change": "new"})])
    pairs = pd.concat([pairs, orphans.assign(note="không có trong bảng đối chiếu")], ignore_index=True)
    return pairs.astype("string").reset_index(drop=True)


def read_mapping(year_from: int, year_to: int, sets: dict[int, CriteriaSet],
                 folder: Path | None = None) -> pd.DataFrame:
    """counterparts() of two years from mapping_<from>_<to>.csv (absent file = every code maps to itself)."""
    path = folder_of(folder) / f"mapping_{year_from}_{year_to}.csv"
    if path.exists():
        raw = pd.read_csv(path, comment="#", dtype=str)
        mapping = raw.rename(columns={f"code_{year_from}": "code_from", f"code_{year_to}": "code_to"})
        missing = {"code_from", "code_to"} - set(mapping.columns)
        if missing:
            raise CriteriaError(f"{path.name}: columns code_{year_from} and code_{year_to} are required")
        for column in ("change", "note"):
            if column not in mapping:
                mapping[column] = pd.NA
    else:
        mapping = pd.DataFrame(columns=["code_from", "code_to", "change", "note"], dtype="string")
    try:
        return counterparts(mapping, sets[year_from].tree, sets[year_to].tree)
    except CriteriaError as exc:
        raise CriteriaError(f"{path.name}: {exc}") from None


# ---------------------------------------------------------------- owners and ratings

def read_owners(folder: Path | None = None) -> pd.DataFrame:
    """owners.csv: code, owner, plan_section, basis."""
    return pd.read_csv(folder_of(folder) / "owners.csv", comment="#", dtype=str).fillna("").astype("string")


def owner_of(tree: pd.DataFrame, owners: pd.DataFrame) -> pd.Series:
    """code -> owner of its most specific listed ancestor (itself included); NA where none is listed."""
    found = lineage(tree).merge(owners[["code", "owner"]].rename(columns={"code": "ancestor"}), on="ancestor")
    best = found.sort_values(["code", "distance"]).drop_duplicates("code")
    return tree["code"].map(best.set_index("code")["owner"]).astype("string").rename("owner")


def read_ratings(folder: Path | None = None) -> pd.DataFrame:
    """ratings.csv: rating, min_percent, source — highest band first."""
    path = folder_of(folder) / "ratings.csv"
    frame = pd.read_csv(path, comment="#", dtype={"rating": str, "source": str})
    frame["min_percent"] = pd.to_numeric(frame["min_percent"], errors="coerce")
    if frame["min_percent"].isna().any() or frame.empty:
        raise CriteriaError(f"{path.name}: every band needs a numeric min_percent")
    return frame.sort_values("min_percent", ascending=False).reset_index(drop=True)
