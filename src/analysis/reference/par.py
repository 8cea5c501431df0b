"""PAR INDEX reference files (data/reference/par/): the criteria set of each year, checked as a tree, the
code mapping between years, owners, rating bands, the score-sheet aliases and the published provincial results.

Every problem is a ``ReferenceFileError`` naming the file, the line and what is wrong; what the readers hand on
(a ``CriteriaSet``, plain frames) goes to the pure functions of ``analysis.par_tree``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.readers.cells import text_column
from analysis.readers.files import read_sheets
from analysis.readers.headers import AliasTable, find_header
from analysis.readers.records import records_under
from analysis.reference import aliases, checks, plan
from analysis.reference.par_tree import CriteriaError, CriteriaSet, counterparts, lineage
from analysis.text import fold

CRITERIA_COLUMNS = ("code", "parent", "name", "max_points", "method", "evidence")
METHODS = ("appraisal", "survey")
LEVEL_BY_DEPTH = {0: "index", 1: "group", 2: "criterion"}  # deeper nodes are sub-criteria
TOLERANCE = 1e-6  # maxima are written to at most 2 decimals
CRITERIA_ALIASES = AliasTable({fold(c): c for c in CRITERIA_COLUMNS})
SCORE_ALIASES = "score_aliases.csv"
PROVINCE_FILE = "tay-ninh-cchc-2023-qd2729.csv"


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
        raise ReferenceFileError(checks.label(path), f"no header row with the columns {', '.join(required)}")
    return records_under(sheet, header).frame.rename(columns={"source_row": "line"})


def tree_problems(tree: pd.DataFrame, total_points: float | None) -> list[str]:
    """Everything wrong with a tree (duplicate or blank codes, unknown parents, bad maxima or methods,
    parents whose maximum is not the sum of their children's, fields not adding up to ``total_points``)."""
    problems = []
    where = "line " + tree["line"].astype(str) + ", code " + tree["code"].fillna("?")
    for mask, what in [
        (tree["code"].isna(), "the code is blank"),
        (tree["code"].duplicated(keep=False) & tree["code"].notna(), "the code appears more than once"),
        (tree["max_points"].isna() | (tree["max_points"] <= 0), "max_points is not a positive number"),
        (tree["parent"].notna() & ~tree["parent"].isin(tree["code"]), "its parent is not in the set"),
    ]:
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
        problems.append(
            f"line {row['line']}, code {code}: max_points {row['max_points']:g} ≠ sum of its "
            f"children's {children[code]:g}"
        )
    leaves = tree[~tree["code"].isin(children.index)]
    bad_method = leaves[~leaves["method"].isin(METHODS)]
    problems += [
        f"line {r.line}, code {r.code}: method {r.method!r} is not one of {', '.join(METHODS)}"
        for r in bad_method.itertuples()
    ]  # a tree is a few hundred rows at most
    fields_total = tree.loc[tree["parent"].isna(), "max_points"].sum()
    if total_points is not None and abs(fields_total - total_points) > TOLERANCE:
        problems.append(f"the fields add up to {fields_total:g} points, not {total_points:g}")
    return problems


def build_tree(raw: pd.DataFrame, total_points: float | None, file_name: str) -> pd.DataFrame:
    """Raw rows (code, parent, name, max_points, method, evidence, line) -> a checked tree with depth,
    level, is_leaf and field; a ReferenceFileError listing every problem otherwise."""
    blank = pd.Series(None, index=raw.index, dtype=object)
    tree = pd.DataFrame(
        {
            "code": text_column(raw["code"]),
            "parent": text_column(raw.get("parent", blank)),
            "name": text_column(raw["name"]),
        }
    )
    tree["max_points"], bad = parse_points(raw["max_points"])
    tree["method"] = text_column(raw.get("method", blank)).str.lower()
    tree["evidence"] = text_column(raw.get("evidence", blank))
    tree["line"] = raw["line"].astype("int64")
    problems = [
        f"line {line}: max_points {value!r} is not a number"
        for line, value in zip(tree["line"][bad], raw.loc[bad, "max_points"])
    ]
    problems += tree_problems(tree, total_points)
    if problems:
        raise ReferenceFileError(file_name, "; ".join(problems))
    depth = lineage(tree).groupby("code")["distance"].max() + 1
    tree["depth"] = tree["code"].map(depth).astype("int64")
    tree["level"] = tree["depth"].map(LEVEL_BY_DEPTH).fillna("subcriterion")
    tree["is_leaf"] = ~tree["code"].isin(tree["parent"].dropna())
    field_of = lineage(tree).merge(tree[["code", "depth"]].rename(columns={"code": "ancestor"}), on="ancestor")
    tree["field"] = tree["code"].map(field_of[field_of["depth"] == 1].set_index("code")["ancestor"])
    return tree.reset_index(drop=True)


def read_index(folder: Path | None = None) -> pd.DataFrame:
    """criteria_sets.csv: year, file, total_points, status, note."""
    path = folder_of(folder) / "criteria_sets.csv"
    frame = checks.read_csv(path, ("year", "file", "total_points", "status")).fillna("")
    frame["year"] = checks.numbers(frame, "year", path).astype(int)
    frame["total_points"] = checks.numbers(frame, "total_points", path, blank_ok=True)
    checks.one_of(frame, "status", ("sample", "official"), path)
    checks.unique(frame, ["year"], path)
    return frame.drop(columns=checks.LINE)


def read_set(year: int, folder: Path | None = None) -> CriteriaSet:
    """The checked criteria set of ``year``; a ReferenceFileError when it is missing or broken."""
    index = read_index(folder)
    entry = index[index["year"] == year]
    if entry.empty:
        raise ReferenceFileError(
            "par/criteria_sets.csv", f"no criteria set for {year} (known: {', '.join(map(str, index['year']))})"
        )
    entry = entry.iloc[0]
    path = folder_of(folder) / entry["file"]
    if not path.exists():
        raise ReferenceFileError(
            "par/criteria_sets.csv", f"the criteria set file {entry['file']!r} of {year} does not exist", column="file"
        )
    total = None if pd.isna(entry["total_points"]) else float(entry["total_points"])
    raw = _table_rows(path, ("code", "name", "max_points"))
    return CriteriaSet(year, entry["file"], total, entry["status"], build_tree(raw, total, checks.label(path)))


def read_sets(folder: Path | None = None) -> dict[int, CriteriaSet]:
    return {int(year): read_set(int(year), folder) for year in read_index(folder)["year"]}


# ---------------------------------------------------------------- between years


def read_mapping(
    year_from: int, year_to: int, sets: dict[int, CriteriaSet], folder: Path | None = None
) -> pd.DataFrame:
    """counterparts() of two years from mapping_<from>_<to>.csv (absent file = every code maps to itself)."""
    path = folder_of(folder) / f"mapping_{year_from}_{year_to}.csv"
    if path.exists():
        raw = checks.read_csv(path, (f"code_{year_from}", f"code_{year_to}")).drop(columns=checks.LINE)
        mapping = raw.rename(columns={f"code_{year_from}": "code_from", f"code_{year_to}": "code_to"})
        mapping = mapping.assign(code_from=text_column(mapping["code_from"]), code_to=text_column(mapping["code_to"]))
        for column in ("change", "note"):
            if column not in mapping:
                mapping[column] = pd.NA
    else:
        mapping = pd.DataFrame(columns=["code_from", "code_to", "change", "note"], dtype="string")
    try:
        return counterparts(mapping, sets[year_from].tree, sets[year_to].tree)
    except CriteriaError as exc:
        raise ReferenceFileError(checks.label(path), str(exc)) from None


# ---------------------------------------------------------------- owners and ratings


def read_owners(folder: Path | None = None, plan_owners: Path | None = None) -> pd.DataFrame:
    """owners.csv: code, owners (ids of plan/owners.csv), plan_section, basis -> plus ``owner``, their names as
    every other report spells them (one official is one row in "points per owner")."""
    path = folder_of(folder) / "owners.csv"
    frame = checks.read_csv(path, ("code", "owners")).fillna("")
    known = plan.owners_table(plan_owners).set_index("id")["name"]
    frame["owner"] = [
        plan.owner_names(ids, known, path, line) for ids, line in zip(frame["owners"], frame[checks.LINE])
    ]
    return frame.drop(columns=checks.LINE).astype("string")


def read_ratings(folder: Path | None = None) -> pd.DataFrame:
    """ratings.csv: rating, min_percent, source — highest band first."""
    path = folder_of(folder) / "ratings.csv"
    frame = checks.read_csv(path, ("rating", "min_percent"))
    if frame.empty:
        raise ReferenceFileError(checks.label(path), "no rating band is listed")
    frame["min_percent"] = checks.numbers(frame, "min_percent", path)
    frame = frame.drop(columns=checks.LINE)
    return frame.sort_values("min_percent", ascending=False).reset_index(drop=True)


def score_aliases(path: Path | None = None) -> AliasTable:
    """How the columns of a PAR score sheet may be spelt (score_aliases.csv)."""
    return aliases.read(path or folder_of(None) / SCORE_ALIASES)


def province_results(folder: Path | None = None) -> pd.DataFrame:
    """The published QĐ 2729 results of the province's wards and communes (as numbers where numeric)."""
    path = folder_of(folder) / PROVINCE_FILE
    frame = checks.read_csv(
        path,
        ("unit", "unit_type", "max_points", "appraised_points", "ratio_percent", "rating", "rank_in_type"),
        dtype=None,
    )
    checks.numbers(frame, "ratio_percent", path)  # published for every unit; the points only for some
    for column in ("max_points", "appraised_points", "rank_in_type"):
        checks.numbers(frame, column, path, blank_ok=True)
    return frame.drop(columns=checks.LINE)
