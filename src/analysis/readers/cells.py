"""Reading cells: blank or not, text (NFC, trimmed), yes/no flags and coded values, computed once per
distinct value of a column because exports repeat the same few values over many rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.text import fold, nfc


def blank_cell(cell: object) -> bool:
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
# as RE2's \s is ASCII only; tests/readers/test_columnar.py checks the list against every code point).
ONLY_SPACE = (
    r"^[\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*$"
)


def blank_texts(texts) -> np.ndarray:
    """``blank_cell`` of each cell of an Arrow string array (null or white space only), in Arrow."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(texts, ONLY_SPACE), True).to_numpy(zero_copy_only=False)


def filled_cells(values: pd.Series) -> np.ndarray:
    return ~blank_cells(values)


def blank_cells(values: pd.Series) -> np.ndarray:
    cells = values.to_numpy(dtype=object)
    texts = arrow_strings(cells)
    return blank_texts(texts) if texts is not None else map_distinct(values, blank_cell, "bool").to_numpy()


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
