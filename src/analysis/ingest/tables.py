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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property, partial
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.ingest.scrub import unknown_value
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
    r"(tm|kt)\s*\.|([^,\d]{0,40},\s*)?ngay\s*\S{0,4}\s*thang\s*\S{0,4}\s*nam\b)"
)
# A row right under the header that only numbers the columns ("1 2 3 ..." or "(1) (2) (3) ...").
COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


class IngestError(UserError):
    """A file that cannot be used at all; the message is for the analyst, no traceback needed."""


@dataclass
class Sheet:
    """The cells of one sheet (or one text file) as columns, as the reader saw them: ``cells`` has one object
    column per sheet column (named 0, 1, …) and a row per line, short lines padded with None. Built from rows
    (a list of lists) too. Header finding looks at ``head(n)``; records are cut out column by column."""

    file: Path | None
    name: str
    cells: pd.DataFrame
    known_blank: pd.DataFrame | None = field(default=None, repr=False)  # ``blank`` when the reader knows it

    def __post_init__(self) -> None:
        if not isinstance(self.cells, pd.DataFrame):
            rows = list(self.cells)
            width = max((len(row) for row in rows), default=0)
            grid = np.array(rows, dtype=object) if rows and all(len(row) == width for row in rows) else None
            if grid is None or grid.ndim != 2:  # ragged lines (or none): padded with None
                grid = np.full((len(rows), width), None, dtype=object)
                for i, row in enumerate(rows):
                    grid[i, : len(row)] = row
            self.cells = pd.DataFrame(grid, columns=range(width), dtype=object)

    def head(self, n: int) -> list[list[object]]:
        """The first ``n`` rows as lists (for header and title rows: never the whole sheet)."""
        return self.cells.iloc[:n].to_numpy(dtype=object).tolist()

    @property
    def rows(self) -> list[list[object]]:
        return self.head(len(self.cells))

    @cached_property
    def blank(self) -> pd.DataFrame:
        """Per cell: blank (None, NaN, empty or spaces only), computed once per distinct value of each column."""
        if self.known_blank is not None:
            return self.known_blank
        return pd.DataFrame({pos: blank_cells(self.cells[pos]) for pos in self.cells.columns}, index=self.cells.index)


# ---------------------------------------------------------------- reading files


def list_files(folder: Path) -> list[Path]:
    """Readable exports under ``folder`` (recursively), sorted; hidden and lock files (~$x.xlsx) skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES and not p.name.startswith((".", "~$"))
    )


def sha256(path: Path, label: str | None = None) -> str:
    """The file's SHA-256; ``label`` names it in the message when it cannot be read (default: its name)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise unreadable(path, exc, label) from None
    return digest.hexdigest()


def unreadable(path: Path, exc: OSError, label: str | None = None) -> IngestError:
    """A file the system will not let us read (permission denied, locked, vanished), said in one line."""
    return IngestError(
        f"{label or path.name}: cannot be opened ({exc.strerror or type(exc).__name__}); check that the "
        "file is not open elsewhere and that you may read it"
    )


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a workbook, or the one table of a CSV/TXT file."""
    try:
        if path.stat().st_size == 0:
            raise IngestError(f"{path.name}: the file is empty")
        suffix = path.suffix.lower()
        if suffix in EXCEL_SUFFIXES:
            return _read_workbook(path)
        if suffix in TEXT_SUFFIXES:
            return [Sheet(path, "", *_read_text(path))]
    except OSError as exc:
        raise unreadable(path, exc) from None
    raise IngestError(f"{path.name}: unsupported file type {suffix!r} (use xlsx, xls, csv or txt)")


def _read_workbook(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [
            Sheet(path, name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in workbook.sheet_names
        ]
    except Exception as exc:  # calamine raises several types for corrupt or encrypted files
        raise IngestError(f"{path.name}: cannot be read as a spreadsheet ({type(exc).__name__}: {exc})") from None
    return sheets


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (Excel's "Unicode text"); anything else is refused by name."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if len(raw) >= 4 and raw[1:4:2] == b"\x00\x00" and raw[0] and raw[2]:
        return raw.decode("utf-16-le")  # UTF-16 without a BOM: every other byte of ASCII text is zero
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name}: not UTF-8 or UTF-16 text (byte {exc.start}); save it as 'CSV UTF-8' or 'Unicode Text' from Excel"
        ) from None


def utf8_bytes(raw: bytes, name: str) -> bytes:
    """The file as UTF-8 bytes without a BOM: UTF-16 is transcoded (``decode_text``), UTF-8 passed as it is
    (the CSV reader checks it; ``decode_text`` names the bad byte when it fails)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(raw) >= 4 and raw[1:4:2] == b"\x00\x00" and raw[0] and raw[2]
    ):
        return decode_text(raw, name).encode("utf-8")
    return raw


def _read_text(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A CSV/TXT file as string columns (pyarrow's reader, no type inference; empty cells None), and which cells
    are blank. Lines with another number of fields than most (title, footer and blank lines) are read by ``csv``
    and put back in place."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = utf8_bytes(path.read_bytes(), path.name)
    sample = data[: 1 << 16].decode("utf-8", errors="ignore").splitlines()[: HEADER_SCAN_ROWS * 2]
    delimiter = guess_delimiter("\n".join(sample))
    widths = Counter(len(row) for row in csv.reader(sample, delimiter=delimiter) if len(row) > 1)
    names = [str(i) for i in range(widths.most_common(1)[0][0] if widths else 1)]
    odd: list[tuple[int, str]] = []  # (1-based row number, text) of lines with another number of fields

    def keep_odd(row: pacsv.InvalidRow) -> str:
        odd.append((row.number, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=keep_odd
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        decode_text(data, path.name)  # names the byte when the text is not UTF-8
        raise IngestError(f"{path.name}: cannot be read as text ({exc})") from None
    odd_rows = [next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), []) for _, text in odd]
    width = max([len(names), *(len(row) for row in odd_rows)])
    total = table.num_rows + len(odd)
    at_odd = np.array([number - 1 for number, _ in odd], dtype=np.int64)
    at_table = np.setdiff1d(np.arange(total), at_odd, assume_unique=True)
    columns, blank = {}, {}
    for pos in range(width):
        if not odd:  # every line fits the table (a system export): its columns as they are
            columns[pos], blank[pos] = _string_cells(table.column(pos))
            continue
        columns[pos], blank[pos] = np.full(total, None, dtype=object), np.ones(total, dtype=bool)
        if pos < len(names):
            columns[pos][at_table], blank[pos][at_table] = _string_cells(table.column(pos))
        columns[pos][at_odd] = [row[pos] or None if pos < len(row) else None for row in odd_rows]
        blank[pos][at_odd] = [_blank_cell(cell) for cell in columns[pos][at_odd]]
    return (
        pd.DataFrame(columns, columns=range(width), dtype=object),
        pd.DataFrame(blank, columns=range(width), dtype=bool),
    )


def _string_cells(values) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow string column as Python strings (None for null) and which are blank, each distinct text made and
    looked at once (dictionary)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values).combine_chunks()
    texts = np.concatenate([encoded.dictionary.to_numpy(zero_copy_only=False).astype(object), [None]])
    blank = np.append(_blank_texts(encoded.dictionary), True)
    codes = encoded.indices.fill_null(len(texts) - 1).to_numpy()
    return texts[codes], blank[codes]


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
        if not _blank_cell(top):
            carried = top
        if _blank_cell(bottom):
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
    if any(pos < len(below) and not _blank_cell(below[pos]) for pos in header.columns):
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


def _blank_cell(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and cell != cell)


# What ``str.strip()`` removes from ASCII text; Arrow trims these per column where every character is ASCII
# (other text, where Python's and Arrow's ideas of white space or of NFC might differ, is done in Python).
ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def arrow_strings(cells: np.ndarray):
    """Object cells as an Arrow string array when every cell is a str or None (readers give no bytes), else
    None: the columns a CSV gives, and text-only columns of a workbook, are then worked on in Arrow."""
    import pyarrow as pa

    try:
        return pa.array(cells, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None


def _ascii_stripped(texts):
    """(ASCII mask, texts stripped as ``str.strip`` would, valid where ASCII) of an Arrow string array."""
    import pyarrow.compute as pc

    ascii_ = pc.fill_null(pc.string_is_ascii(texts), True).to_numpy(zero_copy_only=False)
    return ascii_, pc.utf8_trim(texts, characters=ASCII_SPACE)


# A text ``str.strip()`` leaves empty: only characters Python calls white space (``str.isspace``, all listed here,
# as RE2's \s is ASCII only; tests/ingest/test_columnar.py checks the list against every code point).
ONLY_SPACE = (
    r"^[\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*$"
)


def _blank_texts(texts) -> np.ndarray:
    """``_blank_cell`` of each cell of an Arrow string array (null or white space only), in Arrow."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(texts, ONLY_SPACE), True).to_numpy(zero_copy_only=False)


def is_footer(row: list[object]) -> bool:
    """A totals or signature line: its first non-empty cell starts with a footer phrase (FOOTER_LINE)."""
    return _is_footer_cell(next((cell for cell in row if not _blank_cell(cell)), None))


def _is_footer_cell(first: object) -> bool:
    if not isinstance(first, str) or first.lstrip()[:1].isdigit():  # STT written as text: a record
        return False
    return FOOTER_LINE.match(strip_accents(nfc(first)).lower()) is not None


def is_column_numbering(row: list[object]) -> bool:
    """ "1 2 3 4 ..." or "(1) (2) (3) ..." under a printed report's header: at least three increasing numbers."""
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


def filled_cells(values: pd.Series) -> np.ndarray:
    return ~blank_cells(values)


def date_cells(values: pd.Series) -> np.ndarray:
    """Cells that ``parse_dates`` reads as a date."""
    return parse_dates(values)[0].notna().to_numpy()


def blank_cells(values: pd.Series) -> np.ndarray:
    cells = values.to_numpy(dtype=object)
    texts = arrow_strings(cells)
    return _blank_texts(texts) if texts is not None else map_distinct(values, _blank_cell, "bool").to_numpy()


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
        cells = [cell for cell in row if not _blank_cell(cell)]
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


# ---------------------------------------------------------------- values


def map_distinct(values: pd.Series, func: Callable[[object], object], dtype: str = "object") -> pd.Series:
    """``func`` once per distinct cell (exports repeat few values: statuses, yes/no, procedures), blanks as None.

    Cells equal in Python (1 and 1.0) share one result; an Excel TRUE/FALSE (Python's True == 1, False == 0)
    is given to ``func`` as the text "TRUE"/"FALSE", so it is never read as the number 1 or 0, nor a 1 as TRUE.
    """
    codes, uniques = distinct(values)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:] = [func(u) for u in uniques] + [func(None)]  # code -1 (blank) takes the last
    if dtype == "string" and all(isinstance(r, str) or r is None for r in results):  # built from the distinct
        import pyarrow as pa

        texts = pa.array(results, type=pa.large_string()).take(pa.array(np.where(codes < 0, len(uniques), codes)))
        return pd.Series(pd.arrays.ArrowStringArray(texts), index=values.index)
    return pd.Series(results[codes], index=values.index, dtype=dtype)


def distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct cells) of a column as ``pd.factorize`` gives them (blank: code -1), an Excel TRUE/FALSE
    as the text "TRUE"/"FALSE" (see ``map_distinct``)."""
    cells = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    suspects = np.flatnonzero((uniques == 0) | (uniques == 1)) if len(uniques) else np.array([], dtype=int)  # not "1"
    if len(suspects):
        at = np.flatnonzero(np.isin(codes, suspects))
        booleans = at[[type(cell) is bool for cell in cells[at]]]
        if len(booleans):
            cells = cells.copy()
            cells[booleans] = np.where(cells[booleans].astype(bool), "TRUE", "FALSE")
            codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def cell_text(cell: object) -> str | None:
    """One cell as NFC text (12.0 -> "12"), None when blank."""
    if cell is None or cell is pd.NA or cell is pd.NaT or (isinstance(cell, float) and np.isnan(cell)):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return nfc(str(cell)) or None


def text_column(values: pd.Series) -> pd.Series:
    """Cells -> NFC strings (numbers without a trailing .0), blanks -> NA.

    A column of text only is done per distinct value in Arrow (ASCII text is its own NFC: only trimmed; the
    other distinct texts through ``cell_text``); a column holding numbers or dates per distinct cell in Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = arrow_strings(values.to_numpy(dtype=object))
    if texts is None:
        return map_distinct(values, cell_text, "string")
    encoded = pc.dictionary_encode(texts)
    words = encoded.dictionary
    ascii_, stripped = _ascii_stripped(words)
    if not ascii_.all():
        cells = np.asarray(stripped.to_pylist(), dtype=object)
        others = np.flatnonzero(~ascii_)
        cells[others] = [cell_text(word) for word in words.take(pa.array(others)).to_pylist()]
        stripped = pa.array(cells, type=pa.string())
    normal = pc.if_else(pc.equal(pc.binary_length(stripped), 0), pa.scalar(None, pa.string()), stripped)
    column = normal.cast(pa.large_string()).take(encoded.indices)
    return pd.Series(pd.arrays.ArrowStringArray(column), index=values.index)


def _folded(cell: object) -> str:
    text = cell_text(cell)
    return fold(text) if text else ""


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
    result[plausible.index] = EXCEL_EPOCH + pd.to_timedelta(plausible.to_numpy() * 86400 * 1e6, unit="us")
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
_DIRECTIVES = {"%Y": ("year", 4), "%m": ("month", 2), "%d": ("day", 2), "%H": ("hour", 2), "%M": ("minute", 2)}
_DIRECTIVES["%S"] = ("second", 2)


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


FLAG_TRUE = {"co", "x", "1", "yes", "y", "true", "dung", "da", "dacap", "coxinloi"}
FLAG_FALSE = {"", "khong", "0", "no", "n", "false", "chua", "k"}


def parse_flags(
    values: pd.Series, extra_true: Iterable[str] = (), extra_false: Iterable[str] = ()
) -> tuple[pd.Series, pd.Series]:
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
