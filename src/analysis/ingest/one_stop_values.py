"""The cells of a one-stop export read as typed values: status codes, channels, ratings, yes/no, counts, codes.

Every reader returns ``(values, bad)``: ``bad`` marks a non-blank cell that means nothing known, so the caller
can quarantine the row and quote the value. The words live in ``data/reference/one_stop/values.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import ReferenceFileError
from analysis.readers.cells import map_distinct, parse_flags, text_column
from analysis.reference import checks
from analysis.text import fold, nfc

FLAG_FIELDS = ("paid_online", "apology_issued", "digitised", "e_result", "data_reused", "fee_required", "complaint")
# The codes each field may take in the vocabulary file ("" = the value means "not given").
ALLOWED_CODES = {
    "status": {str(code) for code in range(1, 11)},
    "channel": {"direct", "online", "post"},
    "rating": {"very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied", ""},
    **{fieldname: {"true", "false"} for fieldname in FLAG_FIELDS},
}
# "50.000", "50.000 đ", "1,500,000 VNĐ": a fee amount written where a yes/no is expected.
AMOUNT = r"^\s*\d[\d.,\s]*\s*(đ|₫|đồng|vnđ|vnd)?\s*$"


@dataclass(frozen=True)
class Vocabulary:
    """Known spellings per field, on folded text: whole-cell matches first, then fragments in file order."""

    exact: dict[str, dict[str, str]]
    contains: dict[str, list[tuple[str, str]]]

    @classmethod
    def from_csv(cls, path: Path) -> Vocabulary:
        table = checks.read_csv(path, ("field", "match", "value", "code"), keep_default_na=False, skipinitialspace=True)
        exact: dict[str, dict[str, str]] = {}
        contains: dict[str, list[tuple[str, str]]] = {}
        for line, fieldname, match, value, code in zip(
            table[checks.LINE], table["field"], table["match"], table["value"], table["code"].map(nfc)
        ):
            if fieldname not in ALLOWED_CODES or code not in ALLOWED_CODES[fieldname]:
                allowed = ", ".join(sorted(ALLOWED_CODES.get(fieldname, ALLOWED_CODES)))
                raise ReferenceFileError(
                    checks.label(path),
                    f"({fieldname},{value},{code}): expected one of: {allowed}",
                    row=line,
                    column="code" if fieldname in ALLOWED_CODES else "field",
                )
            if match == "exact":
                exact.setdefault(fieldname, {})[fold(value)] = code
            elif match == "contains":
                contains.setdefault(fieldname, []).append((fold(value), code))
            else:
                raise ReferenceFileError(
                    checks.label(path), f"match must be 'exact' or 'contains', not {match!r}", row=line, column="match"
                )
        return cls(exact, contains)

    def code_for(self, fieldname: str, text: str) -> str | None:
        key = fold(text)
        if key in self.exact.get(fieldname, {}):
            return self.exact[fieldname][key]
        return next((code for fragment, code in self.contains.get(fieldname, []) if fragment in key), None)

    def lookup(self, fieldname: str, cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Cells -> codes (string, NA when blank); an empty code in the vocabulary means "no value"."""
        text = text_column(cells)
        table = {raw: self.code_for(fieldname, raw) for raw in text.dropna().unique()}  # distinct values only
        codes = text.map(table).astype("string")
        bad = text.notna() & codes.isna()
        return codes.mask(codes == "", pd.NA), bad

    def flags(self, fieldname: str, cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Yes/no cells -> boolean; blank = False; the field's own words (vocabulary) before the common ones."""
        coded, _ = self.lookup(fieldname, cells)
        common, bad = parse_flags(cells)
        known = coded.notna()
        result = common.mask(known, coded.eq("true").astype("boolean"))
        return result, bad & ~known


def fee_flags(vocabulary: Vocabulary, cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whether a procedure charges a fee: a yes/no cell, or an amount (0 = no fee)."""
    flags, bad = vocabulary.flags("fee_required", cells)
    text = text_column(cells)
    amount_like = bad & text.str.lower().str.match(AMOUNT).fillna(False).astype(bool)
    if amount_like.any():
        amounts = pd.to_numeric(text[amount_like].str.replace(r"[^\d]", "", regex=True))
        flags[amount_like] = amounts > 0
        bad = bad & ~amount_like
    return flags, bad


def counts(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Number of supplement requests: a whole number, or yes/no (Có = 1, Không or blank = 0)."""
    text = text_column(cells)
    numbers = pd.to_numeric(text.where(text.str.fullmatch(r"\d{1,4}").fillna(False).astype(bool)), errors="coerce")
    flags, flag_bad = parse_flags(cells)
    result = numbers.astype("Int16").fillna(flags.astype("Int16"))
    # A sign is no yes/no: "-1" is a count no dossier can have (the flag reader would see the 1 and say yes).
    signed = text.str.match(r"^\s*[-+−]").fillna(False).astype(bool)
    bad = (flag_bad | signed) & numbers.isna()
    return result.where(~bad, pd.NA), bad


def procedure_codes(cells: pd.Series) -> pd.Series:
    """Procedure codes as written ("1.001230"); a code Excel stored as the number 1.00123 gets its six decimals
    back (national codes are d.dddddd), other numbers and text pass through ``text_column``."""
    numeric = map_distinct(cells, lambda c: isinstance(c, float) and 0 < c < 10 and not c.is_integer(), "bool")
    text = text_column(cells)
    if numeric.any():
        text[numeric] = cells[numeric].map(lambda c: f"{c:.6f}").astype("string")
    return text
