"""The units reported on (wards and communes of thành phố Tây Ninh) and how export spellings map to them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.reference import checks
from analysis.text import fold, slugify

_PREFIX = re.compile(r"^(uybannhandan|ubnd|bophanmotcua|bophantiepnhanvatraketqua)?(phuong|xa)?")


def unit_key(name: object) -> str:
    """ "UBND phường Ninh Thạnh", "Phường Ninh Thạnh", "ninh thanh" -> "ninhthanh"; "Phường 01" -> "1"."""
    key = _PREFIX.sub("", fold(name), count=1)
    return key.lstrip("0") or key


@dataclass(frozen=True)
class Unit:
    unit: str
    kind: str
    display: str

    @property
    def slug(self) -> str:
        return slugify(self.unit)


CITY_SLUG = "thanh-pho"  # the folder of the whole city's reports, beside one folder per unit


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[tuple[Unit, ...], dict[str, str]]:
    table = checks.read_csv(path, ("unit", "kind", "display", "aliases")).fillna("")
    checks.unique(table, ["unit"], path)
    units, keys, slugs = [], {}, {CITY_SLUG: "(toàn thành phố)"}
    for row in table.itertuples(index=False):
        unit = Unit(row.unit, row.kind, row.display)
        check_slug(unit, slugs, path, row.line)
        units.append(unit)
        for spelling in [row.unit, row.display, *[a for a in row.aliases.split("|") if a]]:
            keys[unit_key(spelling)] = row.unit
    return tuple(units), keys


def check_slug(unit: Unit, taken: dict[str, str], path: Path, row: int) -> None:
    """A unit's report folder is its slug: it must be non-empty and its own (not the city folder, not another
    unit's). Refused by name, with the file and row, before any report is written."""
    if not unit.slug:
        raise ReferenceFileError(
            checks.label(path),
            f"the unit name {unit.unit!r} gives an empty folder name (no letter or digit); write the unit's name",
            row=row,
            column="unit",
        )
    if unit.slug in taken:
        raise ReferenceFileError(
            checks.label(path),
            f"the unit {unit.unit!r} would write its reports into the folder "
            f"{unit.slug!r}, already used by {taken[unit.slug]!r}; rename the unit",
            row=row,
            column="unit",
        )
    taken[unit.slug] = unit.unit


def all_units(path: Path | None = None) -> list[Unit]:
    return list(_load(path or paths.reference("units.csv"))[0])


def known_names(path: Path | None = None) -> set[str]:
    """The unit names of units.csv (what ``canonical`` gives for a known spelling)."""
    return {u.unit for u in all_units(path)}


def canonical(names: pd.Series, path: Path | None = None) -> pd.Series:
    """Export spellings -> the unit names of units.csv; unknown names stay as written (NFC) and are listed by ingest."""
    keys = _load(path or paths.reference("units.csv"))[1]
    codes, spellings = pd.factorize(names.to_numpy(dtype=object))  # once per distinct spelling, not per row
    found = np.array([*(keys.get(unit_key(n), n) if isinstance(n, str) else n for n in spellings), pd.NA], dtype=object)
    return pd.Series(found[codes], index=names.index, dtype="string")


def find(name: str, path: Path | None = None) -> Unit | None:
    keys = _load(path or paths.reference("units.csv"))[1]
    wanted = keys.get(unit_key(name))
    return next((u for u in all_units(path) if u.unit == wanted), None)


def named_in(text: object, path: Path | None = None) -> set[str]:
    """Units a longer text names: after "phường"/"xã" ("BỘ PHẬN MỘT CỬA PHƯỜNG NINH THẠNH"), after a label
    ("Đơn vị: Ninh Thạnh") or as the whole text ("UBND xã Tân Bình"). Used to find the unit of an export
    from its title rows; "Phường 1" does not match inside "Phường 12"."""
    if not isinstance(text, str):
        return set()
    keys = _load(path or paths.reference("units.csv"))[1]
    found = {keys[k] for k in (unit_key(text), unit_key(text.split(":", 1)[-1])) if k in keys}
    folded = fold(text)
    for match in re.finditer(r"(?:phuong|xa)(?=([0-9a-z]+))", folded):  # overlapping: every kind word
        tail = match[1]
        found.update(
            unit
            for key, unit in keys.items()
            if tail.startswith(key) and not (key[-1:].isdigit() and tail[len(key) : len(key) + 1].isdigit())
        )
    return found
