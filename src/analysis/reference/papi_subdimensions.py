"""Sub-dimension scores filled by an analyst from the PAPI report (template in data/reference/papi/).

The official file has dimension scores only. A filled ``subdimension_scores.csv`` is real data; without it the
report falls back to the demo file for Tây Ninh and labels it. Either file is validated against the official
results: a dimension is filled completely (all k sub-dimensions of 2021+), each score lies in 1/k–10/k, and
the sub-dimensions sum to the official dimension score within 0.001 (published figures have 4 decimals).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import ReferenceFileError
from analysis.readers.files import decode_text
from analysis.reference.papi import DEMO_SUBDIMENSION_FILE, REAL_SUBDIMENSION_FILE, reference_path, subdimensions
from analysis.reference.papi_official import CellProblems
from analysis.text import fold, nfc

REQUIRED = ("province", "year", "code", "score")
SUM_TOLERANCE = 1e-3


@dataclass(frozen=True)
class SubdimensionFile:
    path: Path | None  # None: neither a filled file nor the demo file exists
    demo: bool


def choose_file(folder: Path | None = None) -> SubdimensionFile:
    """The analyst's filled file when it exists, else the labelled demo file, else nothing."""
    real = (folder / REAL_SUBDIMENSION_FILE) if folder else reference_path(REAL_SUBDIMENSION_FILE)
    demo = (folder / DEMO_SUBDIMENSION_FILE) if folder else reference_path(DEMO_SUBDIMENSION_FILE)
    if real.exists():
        return SubdimensionFile(real, False)
    return SubdimensionFile(demo, True) if demo.exists() else SubdimensionFile(None, False)


def read_subdimensions(path: Path, official: pd.DataFrame, subs: pd.DataFrame | None = None) -> pd.DataFrame:
    """province, year, code, parent, k, score (Float64), source_row — every problem named by row and column."""
    subs = subdimensions() if subs is None else subs
    raw, lines = _read_lines(path)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ReferenceFileError(path.name, f"missing column(s) {', '.join(missing)} (expected {', '.join(REQUIRED)})")
    labels = raw["province"] + " " + raw["year"] + " " + raw["code"]
    checker = CellProblems(path.name, raw, lines, labels)
    year = checker.whole_number("year")
    score = checker.number("score")
    info = subs.set_index("code")
    known = raw["code"].isin(info.index)
    checker.where(~known, "code", "'" + raw["code"] + "' is not a sub-dimension code of subdimensions.csv")
    since = raw["code"].map(info["since"]).astype("Int64")
    checker.where(
        known & ~checker.bad_cell & (year < since),
        "year",
        "the 28-sub-dimension structure starts in "
        + since.astype("string")
        + "; this file takes "
        + since.astype("string")
        + " and later",
    )
    k = raw["code"].map(info["k"]).astype("Float64")
    outside = known & score.notna() & ((score < 1 / k - 1e-9) | (score > 10 / k + 1e-9))
    checker.where(
        outside,
        "score",
        "score "
        + score.astype("string")
        + " is outside the range 1/k–10/k ("
        + (1 / k).round(4).astype("string")
        + "–"
        + (10 / k).round(4).astype("string")
        + ")",
    )
    checker.where(score.isna() & (raw["score"].str.strip() == ""), "score", "blank")
    frame = pd.DataFrame(
        {
            "province": _official_names(raw["province"], official),
            "year": year,
            "code": raw["code"],
            "parent": raw["code"].map(info["parent"]),
            "k": k,
            "score": score,
            "source_row": lines,
        }
    )
    checker.where(
        frame["province"].isna(), "province", "'" + raw["province"] + "' is not a province of the official PAPI file"
    )
    checker.where(
        frame.duplicated(["province", "year", "code"], keep=False) & frame["province"].notna(),
        "code",
        "the same province, year and sub-dimension appear on more than one row",
    )
    if not checker.found and len(frame):
        _check_sums(checker, frame, official, subs)
    checker.raise_if_any()
    return frame.astype({"province": "string", "code": "string", "parent": "string"})


def _read_lines(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The CSV below its ``#`` comment header, as NFC text, with each record's line number in the file."""
    if not path.exists():
        raise ReferenceFileError(path.name, f"file not found in {path.parent}")
    text = decode_text(path.read_bytes(), path.name)
    kept = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not kept:
        raise ReferenceFileError(path.name, f"no header line (expected {', '.join(REQUIRED)})")
    rows = list(csv.reader(io.StringIO("\n".join(line for _, line in kept))))
    header = [nfc(cell) for cell in rows[0]]
    body = [row + [""] * (len(header) - len(row)) for row in rows[1:]]
    raw = pd.DataFrame([row[: len(header)] for row in body], columns=header, dtype="string").fillna("")
    raw = raw.apply(lambda column: column.map(nfc)).astype("string")
    return raw, pd.Series([number for number, _ in kept[1:]], index=raw.index, dtype="int64")


def _official_names(names: pd.Series, official: pd.DataFrame) -> pd.Series:
    """Province names as the official file writes them (accents and case do not matter); NA when unknown."""
    by_key = {fold(name): name for name in official["province"].unique()}
    return names.map(lambda name: by_key.get(fold(name))).astype("string")


def _check_sums(checker: CellProblems, frame: pd.DataFrame, official: pd.DataFrame, subs: pd.DataFrame) -> None:
    """Every filled dimension is complete and its sub-dimensions sum to the official dimension score."""
    groups = frame.groupby(["province", "year", "parent"], as_index=False).agg(
        filled=("code", "size"), k=("k", "first"), total=("score", "sum"), first_row=("source_row", "min")
    )
    dimension_scores = official.melt(
        id_vars=["province", "year"],
        value_vars=[f"D{i}" for i in range(1, 9)],
        var_name="parent",
        value_name="official",
    )
    groups = groups.merge(dimension_scores, on=["province", "year", "parent"], how="left")
    wanted = groups[["province", "year", "parent"]].merge(subs[["code", "parent"]], on="parent")
    absent = wanted.merge(frame[["province", "year", "code"]], how="left", indicator=True)
    absent = absent[absent["_merge"] == "left_only"].groupby(["province", "year", "parent"])["code"].agg(", ".join)
    groups = groups.merge(absent.rename("missing").reset_index(), on=["province", "year", "parent"], how="left")
    lines = pd.Series(groups["first_row"].to_numpy(), index=groups.index)
    labels = groups["province"] + " " + groups["year"].astype("string") + " " + groups["parent"]
    group_checker = CellProblems(
        checker.name, pd.DataFrame({"code": groups["parent"], "score": groups["total"]}), lines, labels
    )
    incomplete = groups["filled"] < groups["k"]
    group_checker.where(
        incomplete,
        "code",
        groups["parent"]
        + " has "
        + groups["filled"].astype("string")
        + " of "
        + groups["k"].astype("Int64").astype("string")
        + " sub-dimensions; add "
        + groups["missing"]
        + " (fill a dimension completely)",
    )
    unscored = ~incomplete & groups["official"].isna()
    group_checker.where(
        unscored,
        "code",
        groups["parent"] + " is not scored for this province and year in the "
        "official PAPI file, so its sub-dimensions cannot be checked",
    )
    gap = (groups["total"] - groups["official"]).abs()
    off = ~incomplete & groups["official"].notna() & (gap > SUM_TOLERANCE)
    group_checker.where(
        off,
        "score",
        "the sub-dimensions of "
        + groups["parent"]
        + " sum to "
        + groups["total"].round(4).astype("string")
        + ", the official "
        + groups["parent"]
        + " score is "
        + groups["official"].round(4).astype("string")
        + " (tolerance 0.001)",
    )
    checker.found += group_checker.found
