"""Reading a reference file and saying exactly what is wrong with it: file, row (the line an editor shows),
column and problem, as one ``ReferenceFileError`` — never a pandas traceback.

Every reader under ``analysis.reference`` goes through these, so an analyst who mistypes a target, a code or
a setting gets the same kind of one-line message wherever the file is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis import paths
from analysis.errors import ReferenceFileError

LINE = "line"  # column added by read_csv: the row's line number in the file


def label(path: Path) -> str:
    """The path under data/reference/ (``plan/targets.csv``), or the file name for a file elsewhere."""
    try:
        return path.resolve().relative_to(paths.REFERENCE.resolve()).as_posix()
    except ValueError:
        return path.name


def _data_lines(text: str) -> list[int]:
    """1-based numbers of the lines pandas reads as rows (not blank, not a comment), header first."""
    return [
        number for number, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")
    ]


def read_csv(path: Path, required: Iterable[str] = (), **options: Any) -> pd.DataFrame:
    """A committed CSV with ``#`` comments, every cell as text unless ``options`` say otherwise, with a ``line``
    column; a ReferenceFileError when the file is missing, unreadable or lacks a ``required`` column."""
    if not path.exists():
        raise ReferenceFileError(label(path), f"the file is missing (expected in {path.parent})")
    options = {"comment": "#", "dtype": str, **options}
    try:
        text = path.read_text(encoding="utf-8-sig")
        frame = pd.read_csv(path, encoding="utf-8-sig", **options)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        problem = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ReferenceFileError(label(path), f"cannot be read as CSV ({problem})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReferenceFileError(
            label(path),
            f"required column(s) missing: {', '.join(missing)} (the header names {', '.join(frame.columns)})",
        )
    lines = _data_lines(text)[1:]
    frame[LINE] = lines if len(lines) == len(frame) else range(2, len(frame) + 2)  # quoted line breaks: row count
    return frame


def numbers(frame: pd.DataFrame, column: str, path: Path, *, blank_ok: bool = False) -> pd.Series:
    """The column as floats; a ReferenceFileError naming the first cell that is not a number (or is blank)."""
    text = frame[column].astype("string").str.strip()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = values.isna() & (text.notna() & (text != "") if blank_ok else True)
    if bad.any():
        first = bad.idxmax()
        shown = "blank" if pd.isna(text[first]) or text[first] == "" else f"{text[first]!r} is not a number"
        raise ReferenceFileError(
            label(path), f"{shown}; write a number such as 85 or 85.5", row=_line(frame, first), column=column
        )
    return values.astype(float)


def one_of(frame: pd.DataFrame, column: str, allowed: Iterable[str], path: Path) -> None:
    """A ReferenceFileError naming the first cell of ``column`` that is not one of ``allowed``."""
    allowed = list(allowed)
    bad = ~frame[column].isin(allowed)
    if bad.any():
        first = bad.idxmax()
        raise ReferenceFileError(
            label(path),
            f"{frame.at[first, column]!r} is not one of {', '.join(allowed)}",
            row=_line(frame, first),
            column=column,
        )


def unique(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """A ReferenceFileError naming the first row that repeats an earlier row's ``columns``."""
    repeated = frame.duplicated(columns)
    if repeated.any():
        first = repeated.idxmax()
        value = ", ".join(str(frame.at[first, c]) for c in columns)
        raise ReferenceFileError(
            label(path), f"{value} appears more than once", row=_line(frame, first), column=columns[0]
        )


def read_yaml(path: Path) -> dict:
    """A YAML mapping; a ReferenceFileError with the line of a syntax error, or when it is not a mapping."""
    if not path.exists():
        raise ReferenceFileError(label(path), f"the file is missing (expected in {path.parent})")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ReferenceFileError(
            label(path), f"not valid YAML ({getattr(exc, 'problem', None) or exc})", row=mark.line + 1 if mark else None
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ReferenceFileError(label(path), "expected 'name: value' settings")
    return loaded


def _line(frame: pd.DataFrame, index: object) -> int | None:
    return int(frame.at[index, LINE]) if LINE in frame else None
