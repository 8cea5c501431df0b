"""Reading exports as analysts have them: sheets, header rows, column aliases, dates, flags, row accounting.

Source modules (one_stop, sipas, par, ...) build on these pieces; nothing here knows a source's meaning.
Every problem that stops a file is an ``IngestError`` whose message names the file and what is wrong.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.text import fold, nfc, strip_accents

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
READABLE_SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES
PERSONAL = "personal"  # alias-table field name for columns that are dropped at ingest
HEADER_SCAN_ROWS = 40
# Lines below the data that are not records: totals, notes and the signature block of a printed report.
# Matched at the start of the row's first non-empty cell, lower-cased and without accents, on whole words:
# "Cộng: 25" is a total but "Công chứng ..." or "Xác nhận tình trạng hôn nhân" (procedure names) are not.
FOOTER_LINE = re.compile(
    r"^\W*(tong\s*cong|tong\s*so\b|cong\s*(:|\d|$)|nguoi\s*lap|thu\s*truong|ghi\s*chu\b|"
    r"xac\s*nhan\s*cua\s*(thu\s*truong|lanh\s*dao|co\s*quan|don\s*vi)|ky\s*(,|ten\b|va\b|ghi\b)|"
    r"(pho\s*)?chu\s*tich\b|truong\s*bo\s*phan|giam\s*doc\b|lanh\s*dao\s*(don\s*vi|co\s*quan)|"
    r"(tm|kt)\s*\.|([^,\d]{0,40},\s*)?ngay\s*\S{0,4}\s*thang\s*\S{0,4}\s*nam\b)")
# A row right under the header that only numbers the columns ("1 2 3 ..." or "(1) (2) (3) ...").
COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


class IngestError(UserError):
    """A file that cannot be used at all; the message is for the analyst, no traceback needed."""


@dataclass
class Sheet:
    """The raw cells of one sheet (or one text file), rows as lists, as the reader saw them."""
    file: Path
    name: str
    rows: list[list[Any]]  # cells as the reader gives them (str, numbers, dates, None)


# ---------------------------------------------------------------- reading files

def list_files(folder: Path) -> list[Path]:
    """Readable exports under ``folder`` (recursively), sorted; hidden and lock files (~$x.xlsx) skipped."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a workbook, or the one table of a CSV/TXT file."""
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path)
    if suffix in TEXT_SUFFIXES:
        return [Sheet(path, "", _read_text(path))]
    raise IngestError(f"{path.name}: unsupported file type {suffix!r} (use xlsx, xls, csv or txt)")


def _read_workbook(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [Sheet(path, name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in workbook.sheet_names]
    except Exception as exc:  # calamine raises several types for corrupt or encrypted files
        raise IngestError(f"{path.name}: cannot be read as a spreadsheet ({type(exc).__name__}: {exc})") from None
    return sheets


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (Excel's "Unicode text"); anything else is refused by name."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if len(raw) >= 4 and raw[1:4:2] == b"\x00\x00" and raw[0] and raw[2]:
        return raw.decode("utf-16-le")  # UTF-16 without a BOM: every other byte of ASCII text is zero
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not UTF-8 or UTF-16 text (byte {exc.start}); save it as "
                          "'CSV UTF-8' or 'Unicode Text' from Excel") from None


def _read_text(path: Path) -> list[list[object]]:
    text = decode_text(path.read_bytes(), path.name)
    delimiter = guess_delimiter("\n".join(text.splitlines()[:HEADER_SCAN_ROWS * 2]))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[cell or None for cell in row] for row in rows]  # empty -> None; spaces-only count as blank later


def guess_delimiter(sample: str) -> str:
    """Tab, semicolon or comma: the one that splits the most lines into the same number (> 1) of fields.

    Quote-aware (a comma inside "Chứng thực bản sao, chữ ký" does not count) and not fooled by a title line.
    """
    def score(delimiter: str) -> tuple[int, int]:
        widths = [len(row) for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)]
        common = Counter(w for w in widths if w > 1).most_common(1)
        return (common[0][1], common[0][0]) if common else (0, 0)
    return max(("\t", ";", ","), key=score)


# ---------------------------------------------------------------- header and columns

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
                raise IngestError(f"{origin}: alias {alias!r} is given for both {by_key[key]!r} and "
                                  f"{fieldname!r}; keep one")
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
    """The row in the first HEADER_SCAN_ROWS that names the most known fields and all required ones."""
    required = set(required)
    best: Header | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        columns = {pos: f for pos, cell in enumerate(row) if (f := aliases.field_for(cell))}
        found = set(columns.values())
        if not required <= found:
            continue
        if best is None or len(found) > len(set(best.columns.values())):
            labels = {pos: nfc(str(cell)) for pos, cell in enumerate(row) if cell is not None and str(cell).strip()}
            unknown = [label for pos, label in labels.items() if pos not in columns]
            best = Header(index, columns, labels, unknown)
    return best


def best_partial_header(sheets: list[Sheet], aliases: AliasTable) -> tuple[Sheet, set[str]] | None:
    """For error messages: the sheet and row that came closest to a header."""
    best = None
    for sheet in sheets:
        for row in sheet.rows[:HEADER_SCAN_ROWS]:
            found = {f for cell in row if (f := aliases.field_for(cell)) and f != PERSONAL}
            if best is None or len(found) > len(best[1]):
                best = (sheet, found)
    return best


def locate_tables(path: Path, aliases: AliasTable, required: Iterable[str],
                  label: str | None = None) -> list[tuple[Sheet, Header]]:
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
    if not any(any(not _blank_cell(cell) for cell in row) for sheet in sheets for row in sheet.rows):
        raise IngestError(f"{label}: the file has no data")
    candidates = [(sheet, header) for sheet in sheets if (header := find_header(sheet, aliases, required))]
    if candidates:
        return candidates
    partial = best_partial_header(sheets, aliases)
    if partial and len(partial[1]) >= 2:
        missing = ", ".join(aliases.describe(f) for f in required if f not in partial[1])
        where = f" (sheet {partial[0].name!r})" if partial[0].name else ""
        raise IngestError(f"{label}{where}: required column(s) missing: {missing}")
    raise IngestError(f"{label}: no recognisable header row in the first {HEADER_SCAN_ROWS} rows "
                      f"(expected columns such as {', '.join(aliases.describe(f) for f in required)})")


def locate_table(path: Path, aliases: AliasTable, required: Iterable[str],
                 label: str | None = None) -> tuple[Sheet, Header]:
    """The one sheet holding the records, for sources read one sheet per file. Records on several sheets
    stop ingest with the sheets named, rather than silently reading only one of them."""
    found = locate_tables(path, aliases, required, label)
    if len(found) > 1:
        names = ", ".join(repr(sheet.name) for sheet, _ in found)
        raise IngestError(f"{label or path.name}: records on several sheets ({names}); save each sheet as its "
                          "own file")
    return found[0]


_NOTHING = object()  # "no non-blank cell in this row"


def _blank_cell(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and cell != cell)


def is_footer(row: list[object]) -> bool:
    """A totals or signature line: its first non-empty cell starts with a footer phrase (FOOTER_LINE)."""
    return _is_footer_cell(next((cell for cell in row if not _blank_cell(cell)), None))


def _is_footer_cell(first: object) -> bool:
    if not isinstance(first, str) or first.lstrip()[:1].isdigit():  # STT written as text: a record
        return False
    return FOOTER_LINE.match(strip_accents(nfc(first)).lower()) is not None


def is_column_numbering(row: list[object]) -> bool:
    """"1 2 3 4 ..." or "(1) (2) (3) ..." under a printed report's header: at least three increasing numbers."""
    cells = [cell for cell in row if not _blank_cell(cell)]
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


@dataclass
class Records:
    """The records under a header: one column per field (raw cells), plus ``source_row`` (1-based, as in Excel)."""
    frame: pd.DataFrame
    lines_skipped: int  # blank lines and footer lines: not records, not counted in rows_read


def records_under(sheet: Sheet, header: Header, keep_personal: bool = False) -> Records:
    """Cut the records out of a sheet; personal columns are never copied unless asked (for hashing).

    Not records (counted in ``lines_skipped``): blank lines, a column-numbering row right under the header,
    and footer lines — a totals or signature line and the sparse lines after it. A line after a footer that
    fills more than half of the recognised columns is data again (a subtotal in the middle loses nothing).
    """
    body = sheet.rows[header.row + 1:]
    width = max(header.columns, default=-1) + 1
    kept, numbers, skipped = [], [], 0
    in_footer = False
    dense = max(3, len(header.columns) // 2 + 1)
    for offset, row in enumerate(body):
        first = next((cell for cell in row if not _blank_cell(cell)), _NOTHING)
        if first is _NOTHING or (offset == 0 and is_column_numbering(row)):
            skipped += 1
            continue
        if _is_footer_cell(first):
            in_footer = True
            skipped += 1
            continue
        if in_footer:
            filled = sum(1 for pos in header.columns if pos < len(row) and not _blank_cell(row[pos]))
            if filled < dense:
                skipped += 1
                continue
            in_footer = False
        kept.append(row[:width] if len(row) >= width else [*row, *[None] * (width - len(row))])
        numbers.append(header.row + offset + 2)
    grid = pd.DataFrame(kept, columns=range(width), dtype=object) if kept else pd.DataFrame(
        columns=range(width), dtype=object)
    frame = pd.DataFrame(index=range(len(kept)))
    for pos, fieldname in header.columns.items():
        if fieldname == PERSONAL and not keep_personal:
            continue
        values = grid[pos]
        if fieldname in frame:  # two headers for one field: keep the first non-empty cell
            values = frame[fieldname].where(~frame[fieldname].map(_blank_cell), values)
        frame[fieldname] = values
    frame["source_row"] = pd.Series(numbers, dtype="int64")
    return Records(frame, skipped)


# ---------------------------------------------------------------- values

def map_distinct(values: pd.Series, func: Callable[[object], object], dtype: str = "object") -> pd.Series:
    """``func`` once per distinct cell (exports repeat few values: statuses, yes/no, procedures), blanks as None.

    Cells equal in Python (1, 1.0 and True) share one result.
    """
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:] = [func(u) for u in uniques] + [func(None)]  # code -1 (blank) takes the last
    return pd.Series(results[codes], index=values.index, dtype=dtype)


def cell_text(cell: object) -> str | None:
    """One cell as NFC text (12.0 -> "12"), None when blank."""
    if cell is None or cell is pd.NA or cell is pd.NaT or (isinstance(cell, float) and np.isnan(cell)):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return nfc(str(cell)) or None


def text_column(values: pd.Series) -> pd.Series:
    """Cells -> NFC strings (numbers without a trailing .0), blanks -> NA."""
    return map_distinct(values, cell_text, "string")


def _folded(cell: object) -> str:
    text = cell_text(cell)
    return fold(text) if text else ""


EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TEXT_DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                     "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d%H%M%S", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                     "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> (datetimes, bad): Excel datetimes or serials, dd/mm/yyyy[ HH:MM[:SS]], ISO, yyyyMMddHHmmss.

    Blank cells give NaT and are not bad; a cell that is present but cannot be read is bad.
    Text is parsed one explicit format at a time, vectorised, each on what the previous ones left.
    """
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    bad = pd.Series(False, index=values.index)
    kinds = values.astype(object).map(type).map(_KIND_OF_TYPE).fillna("bad")
    stamps = values[kinds == "datetime"]
    if len(stamps):
        result[stamps.index] = pd.to_datetime(stamps.map(_as_datetime)).astype("datetime64[us]")
    numbers = pd.to_numeric(values[kinds == "number"], errors="coerce").dropna()
    text = values[kinds == "text"].astype(object).str.strip()
    text = text[text != ""]
    bad[kinds.index[kinds == "bad"]] = True
    numeric_text = pd.to_numeric(text.where(text.str.fullmatch(r"\d+(\.\d+)?")), errors="coerce").dropna()
    numbers = pd.concat([numbers, numeric_text])
    text = text.drop(numeric_text.index)
    compact = numbers[(numbers >= 1e13) & (numbers < 1e14)]  # yyyyMMddHHmmss written as a number
    if len(compact):
        parsed = pd.to_datetime(compact.astype("int64").astype(str), format="%Y%m%d%H%M%S", errors="coerce")
        result[compact.index] = parsed
    serial = numbers.drop(compact.index)
    plausible = serial[(serial > 20000) & (serial < 80000)]  # 1954-10-03 .. 2119-01-10
    result[plausible.index] = EXCEL_EPOCH + pd.to_timedelta(plausible.to_numpy() * 86400 * 1e6, unit="us")
    bad[serial.index.difference(plausible.index)] = True
    remaining = text
    for fmt in _formats_by_fit(text):
        if remaining.empty:
            break
        parsed = pd.to_datetime(remaining, format=fmt, errors="coerce")
        ok = parsed.notna()
        result[parsed.index[ok]] = parsed[ok]
        remaining = remaining[~ok]
    bad[remaining.index] = True
    result[bad] = pd.NaT
    return result.dt.round("s"), bad


# What a date cell holds, by its Python type; any other type (bool, time, duration) cannot be a date.
_KIND_OF_TYPE = {str: "text", float: "number", int: "number", np.float64: "number", np.int64: "number",
                 datetime: "datetime", date: "datetime", pd.Timestamp: "datetime", type(None): "blank",
                 type(pd.NA): "blank", type(pd.NaT): "blank"}


def _formats_by_fit(text: pd.Series, size: int = 50) -> list[str]:
    """TEXT_DATE_FORMATS, those that read most of a sample first: a column is usually written one way."""
    sample = text.iloc[:size]
    if sample.empty:
        return list(TEXT_DATE_FORMATS)
    fit = {fmt: int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum()) for fmt in TEXT_DATE_FORMATS}
    return sorted(TEXT_DATE_FORMATS, key=lambda fmt: -fit[fmt])  # stable: ties keep the documented order


def _as_datetime(cell: date) -> datetime:
    return cell if isinstance(cell, datetime) else datetime.combine(cell, time())


FLAG_TRUE = {"co", "x", "1", "yes", "y", "true", "dung", "da", "dacap", "coxinloi"}
FLAG_FALSE = {"", "khong", "0", "no", "n", "false", "chua", "k"}


def parse_flags(values: pd.Series, extra_true: Iterable[str] = (),
                extra_false: Iterable[str] = ()) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells (Có/Không/x/1/0/blank) -> (boolean, bad); blank means no.

    ``extra_true`` / ``extra_false`` add a source's own spellings or codes (e.g. payment code "2").
    """
    truthy = FLAG_TRUE | {fold(v) for v in extra_true}
    falsy = FLAG_FALSE | {fold(v) for v in extra_false}
    keys = map_distinct(values, _folded)
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[keys.isin(truthy)] = True
    result[keys.isin(falsy)] = False
    return result, result.isna()


def coded_values(values: pd.Series, mapping: Mapping[str, object]) -> tuple[pd.Series, pd.Series]:
    """Map cells through ``mapping`` (keys folded); unknown non-blank cells are bad, blanks stay NA."""
    folded = {fold(k): v for k, v in mapping.items()}
    keys = map_distinct(values, _folded)
    mapped = keys.map(lambda k: folded.get(k) if k else None)
    bad = keys.ne("") & mapped.isna()
    return mapped, bad
