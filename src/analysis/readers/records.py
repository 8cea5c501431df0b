"""The records under a header, and every other line accounted for: footers (totals, signatures), group
lines ("Lĩnh vực …"), blank lines and lines without their key fields, each counted and listed as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.readers.cells import blank_cell, blank_cells, cell_text
from analysis.readers.files import Sheet
from analysis.readers.headers import PERSONAL, Header, is_column_numbering
from analysis.readers.scrub import unknown_value
from analysis.text import nfc, strip_accents

# Lines below the data that are not records: totals, notes and the signature block of a printed report.
# Matched at the start of the row's first non-empty cell, lower-cased and without accents, on whole words:
# "Cộng: 25" is a total but "Công chứng ..." or "Xác nhận tình trạng hôn nhân" (procedure names) are not.
FOOTER_LINE = re.compile(
    r"^\W*(tong\s*cong|tong\s*so\b|cong\s*(:|\d|$)|nguoi\s*lap|thu\s*truong|ghi\s*chu\b|"
    r"xac\s*nhan\s*cua\s*(thu\s*truong|lanh\s*dao|co\s*quan|don\s*vi)|ky\s*(,|ten\b|va\b|ghi\b)|"
    r"(pho\s*)?chu\s*tich\b|truong\s*bo\s*phan|giam\s*doc\b|lanh\s*dao\s*(don\s*vi|co\s*quan)|"
    r"(tm|kt)\s*\.|([^,\d]{0,40},\s*)?ngay\s*\S{0,4}\s*thang\s*\S{0,4}\s*nam\b)"
)


def is_footer(row: list[object]) -> bool:
    """A totals or signature line: its first non-empty cell starts with a footer phrase (FOOTER_LINE)."""
    return _is_footer_cell(next((cell for cell in row if not blank_cell(cell)), None))


def _is_footer_cell(first: object) -> bool:
    if not isinstance(first, str) or first.lstrip()[:1].isdigit():  # STT written as text: a record
        return False
    return FOOTER_LINE.match(strip_accents(nfc(first)).lower()) is not None


@dataclass
class Records:
    """The records under a header: one column per field (raw cells), plus ``source_row`` (1-based, as in Excel)."""

    frame: pd.DataFrame
    lines_skipped: int  # non-blank lines that are not records (footer, subtotal, group, column numbers)
    blank_lines: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"row", "kind", "text"} of each skipped non-blank line
    groups: pd.Series | None = None  # per record, the group line above it ("Lĩnh vực: Hộ tịch" -> "Hộ tịch")


# A group line of a printed export: "Lĩnh vực: Hộ tịch", "I. LĨNH VỰC CHỨNG THỰC" (folded, accents stripped).
GROUP_LINE = re.compile(r"^\W*(?:(?:\d{1,2}|[ivx]{1,4})\s*[.)/-]\s*)?linh\s*vuc\b\s*[:\-\u2013]?\s*")


SKIPPED_SHOWN = 80  # characters of a skipped line listed in the data-quality report


SKIPPED_LISTED = 50  # skipped lines listed per sheet (all are counted)


KIND_FOOTER, KIND_GROUP, KIND_NUMBERS, KIND_AFTER = (
    "dòng tổng cộng / ký tên",
    "dòng nhóm lĩnh vực",
    "dòng đánh số cột",
    "dòng sau cuối bảng",
)


def group_label(first: object) -> str | None:
    """ "Lĩnh vực: Hộ tịch" -> "Hộ tịch"; None when the cell is not a group line."""
    if not isinstance(first, str):
        return None
    text = nfc(first)
    match = GROUP_LINE.match(strip_accents(text).lower())
    return (text[match.end() :].strip(" :-\u2013") or None) if match else None


# field -> which cells of a column are valid values of the field (a boolean per cell)
KeyChecks = dict[str, Callable[[pd.Series], np.ndarray]]


def records_under(
    sheet: Sheet, header: Header, keep_personal: bool = False, key_checks: KeyChecks | None = None
) -> Records:
    """Cut the records out of a sheet; personal columns are never copied unless asked (for hashing).

    A line that looks like data — fills at least ``dense`` recognised columns, or holds a valid value in every
    key column (for a dossier: an id and a received date that reads as a date) — is always a record, whatever
    its first cell says. Not records (counted, and listed in ``skipped``): a column-numbering row right under
    the header; sparse totals lines ("Tổng cộng lĩnh vực …", "Cộng: 25") anywhere; group lines ("Lĩnh vực: Hộ
    tịch"), whose label is carried down to the records under them (``groups``); and the footer — a signature
    or totals line *after the last line that looks like data*, and the sparse lines after it. Blank lines are
    counted apart. Any other sparse line is a record (its checks will say what it lacks).

    Column by column: only the sparse lines (and the first) are looked at one by one.
    """
    first = header.row + 1
    body, blank = sheet.cells.iloc[first:], sheet.blank.iloc[first:]
    width = max(header.columns, default=-1) + 1
    dense = max(3, len(header.columns) // 2 + 1)
    checks = key_checks or {}
    keys = {pos: checks[f] for pos, f in header.columns.items() if f in checks}
    data_like = (~blank[list(header.columns)]).sum(axis=1).to_numpy() >= dense
    if keys and not data_like.all():
        sparse = np.flatnonzero(~data_like)
        valid = np.ones(len(sparse), dtype=bool)
        for pos, check in keys.items():
            valid &= check(body[pos].iloc[sparse])
        data_like[sparse] = valid
    filled = ~blank.all(axis=1).to_numpy()
    last_data = np.flatnonzero(data_like)[-1] if data_like.any() else -1
    looked_at = np.flatnonzero(filled & ~data_like | (np.arange(len(body)) == 0) & filled)
    skip = np.zeros(len(body), dtype=bool)
    skipped, group_at, group_labels = [], [], []
    in_footer = False
    for offset, row in zip(looked_at, body.iloc[looked_at].to_numpy(dtype=object).tolist()):
        cells = [cell for cell in row if not blank_cell(cell)]
        kind = None
        if offset == 0 and is_column_numbering(row):
            kind = KIND_NUMBERS
        elif data_like[offset]:
            pass
        elif (label := group_label(cells[0])) is not None and len(cells) <= 2:
            kind = KIND_GROUP
            group_at.append(offset)
            group_labels.append(label)
        elif _is_footer_cell(cells[0]):
            kind, in_footer = KIND_FOOTER, bool(offset > last_data)
        elif in_footer:
            kind = KIND_AFTER
        if kind:
            skip[offset] = True
            skipped.append({"row": first + int(offset) + 1, "kind": kind, "text": _skipped_text(kind, cells)})
    kept = np.flatnonzero(filled & ~skip)
    frame = pd.DataFrame(index=range(len(kept)))
    for pos, fieldname in header.columns.items():
        if fieldname == PERSONAL and not keep_personal:
            continue
        values = pd.Series(body[pos].to_numpy(dtype=object)[kept], dtype=object) if pos < width else None
        if fieldname in frame:  # two headers for one field: keep the first non-empty cell
            values = frame[fieldname].where(~blank_cells(frame[fieldname]), values)
        frame[fieldname] = values
    frame["source_row"] = pd.Series(first + kept + 1, dtype="int64")
    found_groups = None
    if group_at:
        above = np.searchsorted(np.array(group_at), kept, side="right") - 1  # the last group line above each record
        found_groups = pd.Series(np.array([None, *group_labels], dtype=object)[above + 1], dtype="string")
    return Records(frame, len(skipped), int((~filled).sum()), skipped[:SKIPPED_LISTED], found_groups)


def _skipped_text(kind: str, cells: list[object]) -> str:
    """What the data-quality report shows of a skipped line: the first cell (the phrase that made it a
    footer, group or numbering line) and how many cells follow; a line after the footer (often a signer's
    name) only in the masked form of scrub.unknown_value."""
    first = cell_text(cells[0]) or ""
    if kind == KIND_AFTER:
        first = str(unknown_value(first))
    elif kind == KIND_FOOTER:  # "Người lập biểu: <name>": the phrase, and the rest only if it is not words
        footer = FOOTER_LINE.match(strip_accents(first).lower())
        end = footer.end() if footer else 0
        rest = first[end:]
        first = first[:end] + (rest if len(re.findall(r"[^\W\d_]+", rest)) < 2 else str(unknown_value(rest)))
    elif kind == KIND_NUMBERS:
        return " ".join(cell_text(c) or "" for c in cells)[:SKIPPED_SHOWN]
    more = f" (+{len(cells) - 1} ô)" if len(cells) > 1 else ""
    return first[:SKIPPED_SHOWN] + more
