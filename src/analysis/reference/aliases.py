"""Header alias tables (``field,alias`` CSVs in each index's folder of data/reference/), read and checked."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import ReferenceFileError
from analysis.readers.headers import AliasTable
from analysis.reference import checks
from analysis.text import nfc


def read(path: Path) -> AliasTable:
    """The table of ``path``; a ReferenceFileError for a missing file or column, or a row with one side blank
    (a spelling claimed by two fields is refused by ``AliasTable.extended``, naming the file)."""
    frame = checks.read_csv(path, ("field", "alias"), skipinitialspace=True)
    half = frame["field"].isna() != frame["alias"].isna()
    if half.any():
        first = half.idxmax()
        column = "field" if frame["field"].isna()[first] else "alias"
        raise ReferenceFileError(
            checks.label(path),
            "blank; every row names a field and one spelling of it",
            row=int(frame.at[first, checks.LINE]),
            column=column,
        )
    frame = frame.dropna(subset=["field", "alias"])
    return AliasTable({}).extended(zip(frame["field"].map(nfc), frame["alias"].map(nfc)), checks.label(path))
