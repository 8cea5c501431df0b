"""Finding the table in a sheet: the header row (one or two rows, column aliases matched without accents),
the row that only numbers the columns, and several tables side by side or one under another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import IngestError
from analysis.readers.cells import blank_cell
from analysis.readers.files import HEADER_SCAN_ROWS, Sheet, read_sheets
from analysis.text import fold, nfc

PERSONAL = "personal"  # alias-table field name for columns that are dropped at ingest


# A row right under the header that only numbers the columns ("1 2 3 ..." or "(1) (2) (3) ...").
COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


@dataclass
class AliasTable:
    """Header spellings -> field names, matched on folded text (no case, accents, spaces or punctuation)."""

    by_key: dict[str, str]
    spellings: dict[str, list[str]] = field(default_factory=dict)  # field -> aliases as written, for messages

    @classmethod
    def from_csv(cls, path: Path) -> AliasTable:
        """Read ``field,alias`` rows (``#`` lines are comments); one spelling naming two fields is refused."""
        table = pd.read_csv(path, dtype=str, comment="#", skipinitialspace=True).dropna()
        return cls({}).extended(zip(table["field"].map(nfc), table["alias"].map(nfc)), path.name)

    def extended(self, pairs: Iterable[tuple[str, str]], origin: str) -> AliasTable:
        """A copy with more (field, alias) pairs; an alias already naming another field is refused, naming
        ``origin`` (the file the pairs come from)."""
        by_key = dict(self.by_key)
        spellings = {f: list(names) for f, names in self.spellings.items()}
        for fieldname, alias in pairs:
            key = fold(alias)
            if by_key.get(key, fieldname) != fieldname:
                raise IngestError(
                    f"{origin}: alias {alias!r} is given for both {by_key[key]!r} and {fieldname!r}; keep one"
                )
            by_key[key] = fieldname
            spellings.setdefault(fieldname, []).append(alias)
        return AliasTable(by_key, spellings)

    def field_for(self, header: object) -> str | None:
        return self.by_key.get(fold(header)) if header is not None else None

    def describe(self, fieldname: str) -> str:
        """A field with its first spellings, for messages: "received_at ('Ngày tiếp nhận', 'NgayTiepNhan')"."""
        examples = ", ".join(repr(s) for s in self.spellings.get(fieldname, [])[:3])
        return f"{fieldname} ({examples})" if examples else fieldname


@dataclass
class Header:
    row: int  # 0-based index in the sheet's rows
    columns: dict[int, str]  # column position -> field (personal columns included, named PERSONAL)
    labels: dict[int, str]  # column position -> header text as written
    unknown: list[str] = field(default_factory=list)  # header texts no alias matched


def find_header(sheet: Sheet, aliases: AliasTable, required: Iterable[str]) -> Header | None:
    """The row in the first HEADER_SCAN_ROWS that names the most known fields and all required ones; a header
    written over two rows (a merged "Ngày" above "Tiếp nhận | Hẹn trả | Trả") is read as one
    (``two_row_labels``) when that names more fields than either row alone."""
    required = set(required)
    best: Header | None = None
    rows = sheet.head(HEADER_SCAN_ROWS + 1)
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        tries = [(index, row)]
        if index + 1 < len(rows):
            tries.append((index + 1, two_row_labels(row, rows[index + 1])))
        for at, labels_row in tries:
            columns = {pos: f for pos, cell in enumerate(labels_row) if (f := aliases.field_for(cell))}
            found = set(columns.values())
            if not required <= found:
                continue
            if best is None or len(found) > len(set(best.columns.values())):
                labels = {
                    pos: nfc(str(cell)) for pos, cell in enumerate(labels_row) if cell is not None and str(cell).strip()
                }
                unknown = [label for pos, label in labels.items() if pos not in columns]
                best = Header(at, columns, labels, unknown)
    return best


def two_row_labels(upper: list[object], lower: list[object]) -> list[object]:
    """One header from two rows: a lower cell is prefixed by the upper cell above it or, under a merged upper
    cell (blank but for its first column), by the nearest upper cell to its left ("Ngày" + "Hẹn trả");
    a column blank below keeps its upper text (a cell merged down over both rows)."""
    labels, carried = [], None
    for pos in range(max(len(upper), len(lower))):
        top = upper[pos] if pos < len(upper) else None
        bottom = lower[pos] if pos < len(lower) else None
        if not blank_cell(top):
            carried = top
        if blank_cell(bottom):
            labels.append(top)
        elif isinstance(bottom, str):
            labels.append(f"{carried} {bottom}" if carried is not None else bottom)
        else:
            return []  # a number or date below: a data row, not the second half of a header
    return labels


def sub_header_cells(sheet: Sheet, header: Header) -> list[str]:
    """Text under blank header cells in the row right below the header, while every recognised column of that
    row is blank: the second row of a two-row header that could not be read as one (columns would be lost)."""
    if header.row + 1 >= len(sheet.cells):
        return []
    below = sheet.head(header.row + 2)[-1]
    if any(pos < len(below) and not blank_cell(below[pos]) for pos in header.columns):
        return []
    return [
        nfc(cell)
        for pos, cell in enumerate(below)
        if isinstance(cell, str) and cell.strip() and pos not in header.labels and not is_column_numbering(below)
    ]


def best_partial_header(sheets: list[Sheet], aliases: AliasTable) -> tuple[Sheet, set[str]] | None:
    """For error messages: the sheet and row that came closest to a header."""
    best = None
    for sheet in sheets:
        for row in sheet.head(HEADER_SCAN_ROWS):
            found = {f for cell in row if (f := aliases.field_for(cell)) and f != PERSONAL}
            if best is None or len(found) > len(best[1]):
                best = (sheet, found)
    return best


def locate_tables(
    path: Path, aliases: AliasTable, required: Iterable[str], label: str | None = None
) -> list[tuple[Sheet, Header]]:
    """Every sheet whose header row names all required fields (an export split by month over several sheets),
    in workbook order; a clear IngestError when none qualifies.

    ``label`` names the file in messages (default: its name; sources pass the path under the raw folder).
    """
    required = list(required)
    label = label or path.name
    try:
        sheets = read_sheets(path)
    except IngestError as exc:
        raise IngestError(str(exc).replace(path.name, label, 1)) from None
    if all(sheet.blank.all(axis=None) for sheet in sheets):
        raise IngestError(f"{label}: the file has no data")
    candidates = [(sheet, header) for sheet in sheets if (header := find_header(sheet, aliases, required))]
    for sheet, header in candidates:
        if lost := sub_header_cells(sheet, header):
            where = f" (sheet {sheet.name!r})" if sheet.name else ""
            raise IngestError(
                f"{label}{where}: the header seems to span rows {header.row + 1}-{header.row + 2} (row "
                f"{header.row + 2} has {', '.join(repr(c) for c in lost[:4])} under merged or blank header cells) "
                "and cannot be read as one row; write each column's full name in one header row"
            )
    if candidates:
        return candidates
    partial = best_partial_header(sheets, aliases)
    if partial and len(partial[1]) >= 2:
        missing = ", ".join(aliases.describe(f) for f in required if f not in partial[1])
        where = f" (sheet {partial[0].name!r})" if partial[0].name else ""
        raise IngestError(f"{label}{where}: required column(s) missing: {missing}")
    raise IngestError(
        f"{label}: no recognisable header row in the first {HEADER_SCAN_ROWS} rows "
        f"(expected columns such as {', '.join(aliases.describe(f) for f in required)})"
    )


def locate_table(
    path: Path, aliases: AliasTable, required: Iterable[str], label: str | None = None
) -> tuple[Sheet, Header]:
    """The one sheet holding the records, for sources read one sheet per file. Records on several sheets
    stop ingest with the sheets named, rather than silently reading only one of them."""
    found = locate_tables(path, aliases, required, label)
    if len(found) > 1:
        names = ", ".join(repr(sheet.name) for sheet, _ in found)
        raise IngestError(f"{label or path.name}: records on several sheets ({names}); save each sheet as its own file")
    return found[0]


def is_column_numbering(row: list[object]) -> bool:
    """ "1 2 3 4 ..." or "(1) (2) (3) ..." under a printed report's header: at least three increasing numbers."""
    cells = [cell for cell in row if not blank_cell(cell)]
    if len(cells) < 3:
        return False
    numbers = []
    for cell in cells:
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        match = COLUMN_NUMBER.match(str(cell).strip()) if isinstance(cell, (int, str)) else None
        if match is None:
            return False
        numbers.append(int(match[1]))
    return all(a < b for a, b in zip(numbers, numbers[1:]))
