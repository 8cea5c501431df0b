"""Opening exports as analysts have them: which files, their hashes, and every sheet of a workbook or
the one table of a CSV/TXT file as cells, with the encoding and delimiter guessed.

Every problem that stops a file is an ``IngestError`` whose message names the file and what is wrong.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import IngestError
from analysis.readers.cells import blank_cell, blank_cells, blank_texts

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}


READABLE_SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES


HEADER_SCAN_ROWS = 40


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
        blank[pos][at_odd] = [blank_cell(cell) for cell in columns[pos][at_odd]]
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
    blank = np.append(blank_texts(encoded.dictionary), True)
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
