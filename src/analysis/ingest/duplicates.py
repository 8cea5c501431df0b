"""Records read more than once: the same key with the same values is one record (keep it once, count the
copies); the same key with different values is a conflict (no copy can be trusted, quarantine them all).

Generic on purpose: any source with a record id (dossier code, form number) uses ``find_repeats``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass
class Repeats:
    """Row masks over the table given to ``find_repeats`` (same index)."""

    duplicate: pd.Series  # bool: a later copy of a record that is kept elsewhere in the table
    kept_row: pd.Series  # for duplicates: the index label of the copy that is kept (NA otherwise)
    conflict: pd.Series  # bool: every row of a key whose copies disagree
    differing: pd.Series  # for conflicts: the compared columns that disagree, "a, b" (NA otherwise)


def find_repeats(
    table: pd.DataFrame,
    key: str,
    compare: Sequence[str],
    origin: str | None = None,
    carried: Mapping[str, set[str]] | None = None,
) -> Repeats:
    """Classify rows sharing a non-blank ``key``; the first agreeing copy in table order is the one kept.

    Values are compared as parsed, so "15/03/2024" in a CSV and an Excel date agree; row numbers are not
    among ``compare``. With ``origin`` (a column naming each row's file) and ``carried`` (file -> the compared
    columns that file has), a column one file lacks is not a disagreement; a blank cell in a column it has is.
    """
    index = table.index
    duplicate = pd.Series(False, index=index)
    conflict = pd.Series(False, index=index)
    kept_row = pd.Series(pd.NA, index=index, dtype="Int64")
    differing = pd.Series(pd.NA, index=index, dtype="string")
    repeated = table[key].notna() & table[key].duplicated(keep=False)
    if not repeated.any():
        return Repeats(duplicate, kept_row, conflict, differing)
    compare = [c for c in compare if c != key]
    rows = table.loc[repeated, [key, *compare]].copy()
    keys = rows[key]
    if carried is not None and origin is not None:
        origins = table.loc[repeated, origin]
        for column in compare:
            has = origins.isin([o for o, columns in carried.items() if column in columns])
            if not has.all():  # borrow the value of a copy that has the column, so the two agree on it
                rows[column] = rows[column].where(has, rows[column].where(has).groupby(keys).transform("first"))
    disagree = rows.groupby(keys)[compare].nunique(dropna=False) > 1
    columns_by_key = disagree.astype(object).dot(pd.Index(compare) + ", ").str.rstrip(", ")
    conflicting_keys = columns_by_key[disagree.any(axis=1)]
    in_conflict = keys.isin(conflicting_keys.index)
    conflict[in_conflict.index[in_conflict]] = True
    differing[in_conflict.index[in_conflict]] = keys[in_conflict].map(conflicting_keys).astype("string")
    agreeing = keys[~in_conflict]
    copies = agreeing.duplicated(keep="first")
    duplicate[copies.index[copies]] = True
    first_label = pd.Series(agreeing.index, index=agreeing.index).groupby(agreeing).transform("first")
    kept_row[copies.index[copies]] = first_label[copies].to_numpy()
    return Repeats(duplicate, kept_row, conflict, differing)
