"""The one Vietnamese formatter of the package: decimal comma, dot for thousands, half-up rounding, and
"không có dữ liệu" for missing. Reports, notes written by the indicator code and the Excel legend all use it,
so a figure reads the same wherever it is shown."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat, cast

import pandas as pd

from analysis.values import is_missing

NO_DATA = "không có dữ liệu"


def number(value: object, digits: int = 0) -> str:
    """1234.5 -> "1.234,5" (Vietnamese separators); missing -> "không có dữ liệu"."""
    if is_missing(value):
        return NO_DATA
    # Half up, as readers round by hand (97,25 -> 97,3); from the shortest repr so 0.1-style floats stay exact.
    exact = Decimal(repr(float(cast(SupportsFloat, value))))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def compact(value: object, digits: int = 2) -> str:
    """At most ``digits`` decimals, trailing zeros dropped: 2.5 -> "2,5", 2.0 -> "2", 1234.567 -> "1.234,57"."""
    text = number(value, digits)
    if is_missing(value) or "," not in text:
        return text
    return text.rstrip("0").rstrip(",")


def compact_series(values: pd.Series, digits: int = 2) -> pd.Series:
    """``compact`` over a column (formats each distinct value once); NA stays NA, for string concatenation."""
    numeric = pd.to_numeric(values).astype("Float64")
    shown = {v: compact(v, digits) for v in numeric.dropna().unique()}
    return numeric.map(shown).astype("string")


def percent(value: object, digits: int = 1) -> str:
    return NO_DATA if is_missing(value) else f"{number(value, digits)} %"


def points(value: object, digits: int = 2) -> str:
    return NO_DATA if is_missing(value) else f"{number(value, digits)} điểm"


def signed(value: object, digits: int = 1, unit: str = "") -> str:
    """A change with its sign: +2,3 / −1,0 (a true minus sign); missing -> no data."""
    if is_missing(value):
        return NO_DATA
    number_ = float(cast(SupportsFloat, value))
    sign = "+" if number_ > 0 else ("−" if number_ < 0 else "±")
    return f"{sign}{number(abs(number_), digits)}{(' ' + unit) if unit else ''}"


def day(value: object) -> str:
    """A date as dd/mm/yyyy."""
    if is_missing(value):
        return NO_DATA
    return pd.Timestamp(value).strftime("%d/%m/%Y")


NBSP = "\u00a0"
# A number and its unit stay on one line: "31,3 điểm %", "97,3 %", "27 hồ sơ".
_UNIT_GAP = re.compile(r"(?<=\d) (?=(?:%|điểm|hồ sơ|ngày|phiếu|tiêu chí|người)(?![\w]))|(?<=điểm) (?=%)")


def keep_units(text: str) -> str:
    """Non-breaking spaces between a number and its unit, for text shown to readers (render applies it)."""
    return _UNIT_GAP.sub(NBSP, text)
