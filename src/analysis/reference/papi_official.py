"""The one reader of the official PAPI provincial results (data/reference/papi/papi_provincial_dimensions.csv).

The file is real published data (SOURCE.md). Every figure of the PAPI report goes through ``read_official``,
which refuses a file that breaks PAPI's own rules, listing every problem with its file, row and column:
dimension scores lie in 1–10; a blank (or a zero, as the source note says) is "not scored"; PAPI had 6
dimensions before 2018 and 8 from 2018; a total is given exactly when every dimension of its year is scored,
and equals their sum within 1e-4 (the file holds single-precision floats).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analysis.errors import ReferenceFileError
from analysis.readers.files import decode_text
from analysis.reference.papi import OFFICIAL_FILE, dimensions, reference_path
from analysis.text import nfc

DIMENSIONS = [f"D{i}" for i in range(1, 9)]
REQUIRED = ("province_vi", "region", "year", *DIMENSIONS, "total")
TOTAL_TOLERANCE = 1e-4
SCORE_RANGE = (1.0, 10.0)
MAX_LISTED = 25  # problems listed in the message; the count says how many there were


def read_official(path: Path | None = None, dims: pd.DataFrame | None = None) -> pd.DataFrame:
    """province, region, year, D1…D8 and total (Float64, NA = not scored), n_dims, n_expected, source_row."""
    path = path or reference_path(OFFICIAL_FILE)
    if not path.exists():
        raise ReferenceFileError(path.name, f"the official PAPI file was not found in {path.parent}")
    raw = pd.read_csv(io.StringIO(decode_text(path.read_bytes(), path.name)), dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ReferenceFileError(
            path.name, f"missing column(s) {', '.join(missing)} (expected {', '.join(REQUIRED)}[, n_dims])"
        )
    raw = raw.apply(lambda column: column.map(nfc))
    lines = pd.Series(range(2, len(raw) + 2), index=raw.index)  # the header is line 1, as in Excel
    checker = CellProblems(path.name, raw, lines, raw["province_vi"].str.strip() + " " + raw["year"].str.strip())
    frame = _parse_official(checker, dimensions() if dims is None else dims)
    checker.raise_if_any()
    return frame


class CellProblems:
    """Collects every problem of a table as "file, row N (label), column C: what", to report them all at once."""

    def __init__(self, name: str, raw: pd.DataFrame, lines: pd.Series, labels: pd.Series):
        self.name, self.raw, self.lines, self.labels = name, raw, lines, labels
        self.found: list[tuple[int, int, str]] = []  # (line, column position, message)
        self.bad_cell = pd.Series(False, index=raw.index)  # rows whose row-level checks would only echo

    @property
    def problems(self) -> list[str]:
        return [message for _, _, message in sorted(self.found)]

    def where(self, mask: pd.Series, column: str, what: pd.Series | str) -> None:
        """Record a problem for every row in ``mask`` (``what`` may differ per row)."""
        rows = mask[mask.fillna(False)].index
        texts = what.loc[rows] if isinstance(what, pd.Series) else pd.Series(what, index=rows)
        position = self.raw.columns.get_loc(column) if column in self.raw.columns else len(self.raw.columns)
        self.found += [
            (
                int(self.lines[i]),
                position,
                f"{self.name}, row {self.lines[i]} ({self.labels[i]}), column {column}: {texts[i]}",
            )
            for i in rows
        ]

    def number(self, column: str) -> pd.Series:
        """The column as numbers (blank -> NA); a cell that is not a number is a problem."""
        text = self.raw[column].str.strip()
        value = pd.to_numeric(text.where(text != ""), errors="coerce")
        not_number = (text != "") & value.isna()
        self.where(not_number, column, "'" + text + "' is not a number")
        self.bad_cell |= not_number
        return value.astype("Float64")

    def whole_number(self, column: str) -> pd.Series:
        """A required whole-number column (years): blank or fractional cells are problems."""
        value = self.number(column)
        self.where(value.isna() & (self.raw[column].str.strip() == ""), column, "blank (every row needs it)")
        fractional = (value.notna() & (value % 1 != 0)).fillna(False)
        self.where(fractional, column, "not a whole number")
        self.bad_cell |= value.isna() | fractional
        return value.fillna(0).astype("int64")

    def raise_if_any(self) -> None:
        if not self.found:
            return
        problems = self.problems
        shown, more = problems[:MAX_LISTED], len(problems) - MAX_LISTED
        raise ReferenceFileError(
            self.name,
            "\n".join(
                [
                    f"{len(problems)} problem(s); the file was not used:",
                    *shown,
                    *([f"… and {more} more"] if more > 0 else []),
                ]
            ),
        )


def _parse_official(checker: CellProblems, dims: pd.DataFrame) -> pd.DataFrame:
    raw = checker.raw
    for column in ("province_vi", "region"):
        checker.where(raw[column].str.strip() == "", column, "blank (every row needs it)")
    year = checker.whole_number("year")
    scores = pd.DataFrame({code: checker.number(code) for code in DIMENSIONS})
    scores = scores.mask(scores == 0)  # SOURCE.md: a zero means "not scored", like a blank
    low, high = SCORE_RANGE
    for code in DIMENSIONS:
        outside = ((scores[code] < low) | (scores[code] > high)).fillna(False)
        checker.where(outside, code, "score " + scores[code].astype("string") + " is outside the range 1–10")
        checker.bad_cell |= outside
    total = checker.number("total")
    total = total.mask(total == 0)
    expected = pd.DataFrame({code: year >= first for code, first in zip(dims["code"], dims["first_year"])})
    _check_dimension_count(checker, scores.notna(), expected, year, total, scores)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "province": raw["province_vi"].str.strip().astype("string"),
                    "region": raw["region"].str.strip().astype("string"),
                    "year": year,
                }
            ),
            scores,
            total.rename("total"),
        ],
        axis=1,
    )
    frame["n_dims"] = scores.notna().sum(axis=1).astype("int64")
    frame["n_expected"] = expected.sum(axis=1).astype("int64")
    if "n_dims" in raw.columns:
        stated = checker.number("n_dims")
        checker.where(
            ~checker.bad_cell & stated.notna() & (stated != frame["n_dims"]),
            "n_dims",
            "says "
            + stated.astype("Int64").astype("string")
            + " but "
            + frame["n_dims"].astype("string")
            + " dimension(s) are scored",
        )
    duplicated = frame.duplicated(["province", "year"], keep=False) & (frame["province"] != "")
    checker.where(duplicated, "province_vi", "the same province and year appear on more than one row")
    frame["source_row"] = checker.lines.astype("int64")
    return frame


def _check_dimension_count(
    checker: CellProblems,
    scored: pd.DataFrame,
    expected: pd.DataFrame,
    year: pd.Series,
    total: pd.Series,
    scores: pd.DataFrame,
) -> None:
    """6 dimensions before 2018 and 8 from 2018; a total needs every one, and equals their sum."""
    count = expected.sum(axis=1).astype("string")
    total = total.mask(checker.bad_cell)  # a row with an unreadable or impossible cell: that cell is the news
    for code in DIMENSIONS:
        checker.where(
            ~checker.bad_cell & scored[code] & ~expected[code],
            code,
            f"{code} is scored in " + year.astype("string") + ", but PAPI had " + count + " dimensions that year",
        )
        checker.where(
            total.notna() & expected[code] & ~scored[code],
            code,
            "blank, but the row has a total: a total needs all " + count + " dimensions of its year",
        )
    complete = (scored == expected).all(axis=1)
    checker.where(
        ~checker.bad_cell & total.isna() & complete & (expected.sum(axis=1) > 0),
        "total",
        "blank, although all " + count + " dimensions are scored",
    )
    dimension_sum = scores.where(expected).sum(axis=1, min_count=1)
    off = total.notna() & complete & ((total - dimension_sum).abs() > TOTAL_TOLERANCE)
    checker.where(
        off,
        "total",
        "total "
        + total.astype("string")
        + " is not the sum of the dimensions "
        + dimension_sum.round(6).astype("string")
        + " (tolerance 0.0001)",
    )
