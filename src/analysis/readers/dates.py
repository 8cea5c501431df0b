"""Reading dates as exports write them: Excel serials, datetimes and text in the formats Vietnamese systems
use (day first unless a column can only be month first), each parsed value checked by writing it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import partial

import numpy as np
import pandas as pd

from analysis.readers.cells import ASCII_SPACE, arrow_strings, distinct


def date_cells(values: pd.Series) -> np.ndarray:
    """Cells that ``parse_dates`` reads as a date."""
    return parse_dates(values)[0].notna().to_numpy()


EXCEL_EPOCH = pd.Timestamp("1899-12-30")


TEXT_DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y%m%d%H%M%S",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
)


# The same formats with month and day swapped, for a file written month first (US order, see date_order).
MONTH_FIRST_FORMATS = tuple(
    f.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m") if f.startswith("%d") else f
    for f in TEXT_DATE_FORMATS
)


DAY_FIRST, MONTH_FIRST, UNSETTLED, MIXED = "day_first", "month_first", "unsettled", "mixed"


_TWO_PARTS = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}(?!\d)"


def date_order(columns: Iterable[pd.Series]) -> str | None:
    """How a file writes its text dates, from the values of all its date columns together: a first part above
    12 can only be a day (DAY_FIRST), a second part above 12 only a day (MONTH_FIRST); both in one file is
    MIXED; d/m/yyyy values of which none settles it (day and month both 12 or less, and not all equal) is
    UNSETTLED (the documented order, day first, then applies); None when there is no such text date.
    Each distinct date part (the first ten characters: a few hundred days) is looked at once."""
    heads = [pd.Series(_date_parts(values), dtype=object) for values in columns]
    parts = pd.concat([pd.DataFrame(columns=[0, 1]), *(head.str.extract(_TWO_PARTS) for head in heads if len(head))])
    parts = parts.dropna().astype(int)
    first_is_day, second_is_day = bool((parts[0] > 12).any()), bool((parts[1] > 12).any())
    if first_is_day and second_is_day:
        return MIXED
    if first_is_day or second_is_day:
        return DAY_FIRST if first_is_day else MONTH_FIRST
    return UNSETTLED if bool((parts[0] != parts[1]).any()) else None


def _date_parts(values: pd.Series) -> list[str]:
    """The distinct first ten characters of the text cells of a column (none when it holds no text)."""
    import pyarrow.compute as pc

    cells = values.to_numpy(dtype=object)
    texts = arrow_strings(cells)
    if texts is not None and pc.all(pc.string_is_ascii(texts)).as_py() is not False:
        return [part for part in pc.unique(pc.utf8_slice_codeunits(texts, 0, 10)).to_pylist() if part is not None]
    return list({value[:10] for value in cells if value.__class__ is str})


def parse_dates(values: pd.Series, month_first: bool = False) -> tuple[pd.Series, pd.Series]:
    """Cells -> (datetimes, bad): Excel datetimes or serials, dd/mm/yyyy[ HH:MM[:SS]], ISO, yyyyMMddHHmmss
    (mm/dd/yyyy instead when ``month_first``: a file ``date_order`` found written in US order).

    Blank cells give NaT and are not bad; a cell that is present but cannot be read is bad.
    Each distinct cell is read once; text one explicit format at a time, vectorised, each on what the previous
    ones left.
    """
    codes, uniques = distinct(values)
    dates, bad = _parse_distinct(pd.Series(uniques, dtype=object), month_first)
    dates = np.concatenate([dates.to_numpy(), np.array(["NaT"], dtype="datetime64[us]")])[codes]
    return (
        pd.Series(dates, index=values.index, dtype="datetime64[us]"),
        pd.Series(np.append(bad.to_numpy(dtype=bool), False)[codes], index=values.index),
    )


def _parse_distinct(values: pd.Series, month_first: bool) -> tuple[pd.Series, pd.Series]:
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    bad = pd.Series(False, index=values.index)
    text, numeric = _ascii_text(values)
    if text is None:  # cells of several kinds (a workbook), or text beyond ASCII: each cell's kind in Python
        kinds = values.astype(object).map(type).map(_KIND_OF_TYPE).fillna("bad")
        stamps = values[kinds == "datetime"]
        if len(stamps):
            result[stamps.index] = pd.to_datetime(stamps.map(_as_datetime)).astype("datetime64[us]")
        numbers = pd.to_numeric(values[kinds == "number"], errors="coerce").dropna()
        text = values[kinds == "text"].astype(object).str.strip()
        text = text[text != ""]
        bad[kinds.index[kinds == "bad"]] = True
        numeric = text.str.fullmatch(r"\d+(\.\d+)?")
    else:
        numbers = pd.Series([], dtype="float64")
    numeric_text = pd.to_numeric(text.where(numeric), errors="coerce").dropna()
    numbers = pd.concat([numbers, numeric_text])
    text = text.drop(numeric_text.index)
    compact = numbers[(numbers >= 1e13) & (numbers < 1e14)]  # yyyyMMddHHmmss written as a number
    if len(compact):
        parsed = pd.to_datetime(compact.astype("int64").astype(str), format="%Y%m%d%H%M%S", errors="coerce")
        result[compact.index] = parsed
    serial = numbers.drop(compact.index)
    plausible = serial[(serial > 20000) & (serial < 80000)]  # 1954-10-03 .. 2119-01-10
    # A serial with a time (45582.534722) is a float of days: rounded to the second it was written to, in whole
    # seconds, so that it fits the column's microseconds exactly (a float of microseconds does not).
    seconds = np.round(plausible.to_numpy(dtype="float64") * 86400).astype("int64")
    result[plausible.index] = (EXCEL_EPOCH + pd.to_timedelta(seconds, unit="s")).astype("datetime64[us]")
    bad[serial.index.difference(plausible.index)] = True
    remaining = text
    for fmt in _formats_by_fit(text, MONTH_FIRST_FORMATS if month_first else TEXT_DATE_FORMATS):
        if remaining.empty:
            break
        for parse in (_strptime_exact, partial(pd.to_datetime, errors="coerce")):
            parsed = parse(remaining, format=fmt)
            ok = parsed.notna()
            result[parsed.index[ok]] = parsed[ok]
            remaining = remaining[~ok]
            if remaining.empty:
                break
    bad[remaining.index] = True
    result[bad] = pd.NaT
    return result.dt.round("s"), bad


def _ascii_text(values: pd.Series) -> tuple[pd.Series | None, pd.Series | None]:
    """When every cell is ASCII text (a CSV's dates): the cells stripped and not empty, and which of them are
    written as a number (digits, maybe with decimals), both in Arrow; (None, None) for any other column."""
    import pyarrow.compute as pc

    texts = arrow_strings(values.to_numpy(dtype=object))
    if texts is None or pc.all(pc.string_is_ascii(texts)).as_py() is False or texts.null_count:
        return None, None
    stripped = pc.utf8_trim(texts, characters=ASCII_SPACE)
    filled = pc.not_equal(stripped, "").to_numpy(zero_copy_only=False)
    kept = stripped.filter(filled)
    text = pd.Series(kept.to_numpy(zero_copy_only=False), index=values.index[filled], dtype=object)
    numeric = pc.match_substring_regex(kept, r"^\d+(\.\d+)?$").to_numpy(zero_copy_only=False)
    return text, pd.Series(numeric, index=text.index)


# What a date cell holds, by its Python type; any other type (bool, time, duration) cannot be a date.
_KIND_OF_TYPE = {
    str: "text",
    float: "number",
    int: "number",
    np.float64: "number",
    np.int64: "number",
    datetime: "datetime",
    date: "datetime",
    pd.Timestamp: "datetime",
    type(None): "blank",
    type(pd.NA): "blank",
    type(pd.NaT): "blank",
}


def _strptime_exact(text: pd.Series, format: str) -> pd.Series:
    """Arrow's strptime, kept only where the date written back in ``format`` is the text itself: what it keeps,
    ``pd.to_datetime`` reads the same, and what it leaves (unpadded "5/3/2024", impossible "31/02/2024", which
    Arrow would roll over to 2 March) is left to ``pd.to_datetime``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(text.to_numpy(dtype=object), type=pa.string())
    parsed = pc.strptime(cells, format=format, unit="s", error_is_null=True)
    same = _written_back(cells, parsed, format)
    return pd.Series(
        pc.if_else(same, parsed, None).to_numpy(zero_copy_only=False), index=text.index, dtype="datetime64[us]"
    )


# The directives of TEXT_DATE_FORMATS: the part of the date each writes, and its width as strftime writes it.
_DIRECTIVES = {
    "%Y": ("year", 4),
    "%m": ("month", 2),
    "%d": ("day", 2),
    "%H": ("hour", 2),
    "%M": ("minute", 2),
    "%S": ("second", 2),
}


def _written_back(cells, parsed, format: str) -> np.ndarray:
    """Per cell, whether ``strftime(parsed, format)`` is the cell's text, without writing it (Arrow's strftime
    costs a microsecond a value): the text has the zero-padded shape of ``format``, and each part of the date
    read back is the number written at its place."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern, at = "", 0
    parts: list[tuple[str, int, int]] = []
    for token in re.split(r"(%[YmdHMS])", format):
        if token in _DIRECTIVES:
            name, width = _DIRECTIVES[token]
            pattern, parts = pattern + r"\d" * width, [*parts, (name, at, width)]
            at += width
        else:
            pattern, at = pattern + "".join(f"[{char}]" for char in token), at + len(token)
    shaped = pc.and_kleene(pc.match_substring_regex(cells, f"^{pattern}$"), pc.is_valid(parsed))
    candidates = np.flatnonzero(pc.fill_null(shaped, False).to_numpy(zero_copy_only=False))
    texts, dates = cells.take(pa.array(candidates)), parsed.take(pa.array(candidates))
    same = np.ones(len(candidates), dtype=bool)
    for name, start, width in parts:
        written = pc.cast(pc.utf8_slice_codeunits(texts, start, start + width), pa.int64())
        same &= pc.equal(written, getattr(pc, name)(dates)).to_numpy(zero_copy_only=False)
    result = np.zeros(len(cells), dtype=bool)
    result[candidates[same]] = True
    return result


def _formats_by_fit(text: pd.Series, formats: tuple[str, ...], size: int = 50) -> list[str]:
    """``formats``, those that read most of a sample first (Arrow's strptime): a column is usually written one
    way. Only a matter of speed: no text is read by two of the formats (tests/ingest check it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sample = pa.array(text.iloc[:size].to_numpy(dtype=object), type=pa.string())
    if not len(sample):
        return list(formats)
    fit = {fmt: pc.strptime(sample, format=fmt, unit="s", error_is_null=True).null_count for fmt in formats}
    return sorted(formats, key=lambda fmt: fit[fmt])  # stable: ties keep the documented order


def _as_datetime(cell: date) -> datetime:
    return cell if isinstance(cell, datetime) else datetime.combine(cell, time())
