"""Personal data typed into kept cells: masked at ingest, before anything is written or quoted.

Two rules, used by every source (a new source calls ``scrub_result`` at the end of its ``ingest`` and
``unknown_value`` / ``quoted`` wherever it builds a message from a cell):

- **Patterns** — e-mail addresses, Vietnamese ID numbers (CCCD 12 digits, CMND 9 digits) and phone numbers
  (0xxxxxxxxx, 0xx xxxx xxxx, +84 …, 84 …, with spaces, dots or hyphens between digit groups) are replaced by
  a mask in every kept or quoted text value, and counted per file (``FileAccount.personal_masked``).
  A number glued to a letter, dot, slash or hyphen is part of something else (dossier ids such as
  ``H15.50.05.13-261008-0975``, dates, procedure codes ``1.001230``) and is left alone.
- **Names** cannot be found by a pattern. A value of a categorical column (unit, status, channel, answers…)
  that the reference tables do not know may be a name typed in the wrong cell, so it is never shown in full:
  ``unknown_value`` keeps its first three characters, its length and a short fingerprint
  ("Trầ…[13 ký tự #56d5]"), enough to tell two unknown values apart and to find them in the export.
  ``quoted`` applies it to every value quoted in a quarantine entry that may hold a name. A name inside kept
  free text (a procedure name, a PAR evidence note) cannot be recognised: only its numbers and e-mails go.
- Record ids (dossier id, form number) are identifiers, not text: sources pass them in ``kept_as_is``.

Work is done once per distinct value (``pd.factorize``), not per row: an export repeats a few hundred texts.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any, Protocol

import numpy as np
import pandas as pd

MASKS = {"email": "[đã ẩn email]", "id_number": "[đã ẩn số định danh]", "phone": "[đã ẩn số điện thoại]"}
KIND_VI = {"email": "địa chỉ email", "id_number": "số CCCD/CMND", "phone": "số điện thoại"}
_EDGE_BEFORE = r"(?<![\w.,/\\:-])"  # not glued to a word, a code, a date, a time or an amount
_EDGE_AFTER = r"(?![\w/\\-]|[.,:]\d)"
PATTERNS = {
    # Starts only at the start of a run of address characters: tried from every letter of a long cell, it was
    # quadratic (7 s for a 32 767-character cell, see the note of issue 20).
    "email": re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Mobile 0 + 9 digits or landline 0 + 10 digits, or +84 / 84 then 9-10 digits; one separator between digits.
    "phone": re.compile(_EDGE_BEFORE + r"(?:\(?\+84\)?[ .-]?|84[ .-]?|0)\d(?:[ .-]?\d){8,9}" + _EDGE_AFTER),
    # CCCD (12 digits) or CMND (9 digits), in one run or in groups of three split by spaces (not dots: amounts).
    "id_number": re.compile(_EDGE_BEFORE + r"(?:\d{12}|\d{9}|\d{3}(?: \d{3}){3}|\d{3}(?: \d{3}){2})" + _EDGE_AFTER),
}
SHOWN_CHARS = 3


def scrub_text(text: str) -> tuple[str, Counter]:
    """One text with its personal values masked, and how many of each kind were found."""
    found: Counter = Counter()
    for kind, pattern in PATTERNS.items():  # e-mail first (its digits are no phone), phone before ID (+84 …)
        text, n = pattern.subn(MASKS[kind], text)
        if n:
            found[kind] += n
    return text, found


def scrub_column(values: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Text cells -> masked text (NA stays NA), and per row the number of values masked of each kind
    (a frame with one column per kind, all zero for a clean cell). Each distinct text is scrubbed once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned, counts = [], np.zeros((len(uniques) + 1, len(PATTERNS)), dtype=np.int64)
    for i, text in enumerate(uniques):
        if isinstance(text, str):
            text, found = scrub_text(text)
            counts[i] = [found[k] for k in PATTERNS]
        cleaned.append(text)
    if not counts.any():  # nothing masked: the column as it was (no copy of a million cells)
        return values, pd.DataFrame(0, index=values.index, columns=list(PATTERNS))
    out = (
        pd.Series(np.asarray([*cleaned, None], dtype=object)[codes], index=values.index).astype(values.dtype)
        if len(values)
        else values
    )
    return out, pd.DataFrame(counts[codes], index=values.index, columns=list(PATTERNS))


def unknown_value(text: object) -> object:
    """A value no reference table knows, shown without giving away a name typed into it."""
    if not isinstance(text, str) or len(text) <= SHOWN_CHARS:
        return text
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:4]
    return f"{text[:SHOWN_CHARS]}…[{len(text)} ký tự #{fingerprint}]"


def unknown_values(values: pd.Series) -> pd.Series:
    """``unknown_value`` for every cell of a column, once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    shown = np.asarray([*(unknown_value(u) for u in uniques), None], dtype=object)
    return pd.Series(shown[codes], index=values.index, dtype="string")


_WORD = r"[^\W\d_]+"


def quoted(values: pd.Series, categorical: bool = False) -> pd.Series:
    """Cells quoted in a quarantine entry or reason, through ``unknown_value`` when they may hold a name: in a
    categorical column any value with a letter; elsewhere (dates, numbers, periods) a value of two words or
    more ("hôm qua" is masked, "Quý 5/2024" and "31/02/2024" are not). Phone and ID numbers are masked by the
    patterns at the end (``scrub_result``)."""
    text = values.astype("string")
    wordy = text.str.count(_WORD).fillna(0) >= (1 if categorical else 2)
    return text.mask(wordy, unknown_values(text[wordy]).reindex(text.index))


# ---------------------------------------------------------------- a whole source


class SourceResult(Protocol):
    """What ``scrub_result`` needs of ``ingest.accounting.SourceResult`` (this module sits below ingest, so the
    readers in ``tables`` can use it too)."""

    table: pd.DataFrame
    quarantine: pd.DataFrame
    files: list[Any]


def scrub_result(result: SourceResult, kept_as_is: tuple[str, ...] = (), file_column: str = "source_file") -> None:
    """Mask personal values in place in a source's table (every text column but ``kept_as_is`` and the file
    name), its quarantine (value, reason, record id) and its accounts (notes, unknown headers, skipped lines),
    and add the counts to each file's ``personal_masked``."""
    accounts = {a.file: a for a in result.files}
    totals: dict[str, Counter] = {f: Counter() for f in accounts}

    def scrub_frame(frame: pd.DataFrame, columns: list[str], files: pd.Series) -> None:
        for column in columns:
            frame[column], counts = scrub_column(frame[column])
            if counts.to_numpy().any():
                for file, row in counts.groupby(files.to_numpy()).sum().iterrows():
                    totals.setdefault(file, Counter()).update({k: int(v) for k, v in row.items() if v})

    table, quarantine = result.table, result.quarantine
    text_columns = [
        c
        for c in table.columns
        if c not in (*kept_as_is, file_column) and (pd.api.types.is_string_dtype(table[c]) or table[c].dtype == object)
    ]
    scrub_frame(table, text_columns, table[file_column] if file_column in table else pd.Series("", index=table.index))
    scrub_frame(quarantine, [c for c in ("record_id", "value", "reason") if c in quarantine], quarantine["file"])
    for account in result.files:
        for name in ("notes", "unknown_columns"):
            texts = [scrub_text(t) for t in getattr(account, name)]
            setattr(account, name, [t for t, _ in texts])
            totals[account.file].update(sum((c for _, c in texts), Counter()))
        for line in account.skipped_lines:
            line["text"], found = scrub_text(line["text"])
            totals[account.file].update(found)
    for file, found in totals.items():
        if file in accounts:
            merged = Counter(accounts[file].personal_masked) + found
            accounts[file].personal_masked = {k: merged[k] for k in PATTERNS if merged[k]}


def mask_unknown(values: pd.Series, known: set[str]) -> pd.Series:
    """A categorical column with every value outside ``known`` through ``unknown_value`` (NA stays NA)."""
    unknown = values.notna() & ~values.isin(list(known))
    if not unknown.any():
        return values
    return values.mask(unknown, unknown_values(values[unknown]).reindex(values.index))
