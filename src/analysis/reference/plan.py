"""Kế hoạch 23/KH-UBND as data: its numeric targets and who owns each content area (data/reference/plan/)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.reference import checks


def targets(path: Path | None = None) -> pd.DataFrame:
    """index, code, target, comparison, plan_section, plan_text — one row per targeted component."""
    path = path or paths.reference("plan", "targets.csv")
    frame = checks.read_csv(path, ("index", "code", "target", "comparison"), dtype={"code": str})
    frame["target"] = checks.numbers(frame, "target", path)
    checks.one_of(frame, "comparison", (">", ">=", "<", "<="), path)  # the keys of indicators.long.COMPARISONS
    return frame.drop(columns=checks.LINE)


def tasks(path: Path | None = None) -> pd.DataFrame:
    return pd.read_csv(path or paths.reference("plan", "tasks.csv"), comment="#", dtype=str).fillna("")


def owners(index: str, path: Path | None = None) -> dict[str, str]:
    """Component code -> owner(s) named by the plan for ``index`` ("papi" -> {"D1": "Công chức VH-XH…"})."""
    found: dict[str, list[str]] = {}
    for row in tasks(path).itertuples(index=False):
        for entry in filter(None, row.codes.split("|")):
            entry_index, _, code = entry.partition(":")
            if entry_index == index and row.owner not in found.setdefault(code, []):
                found[code].append(row.owner)
    return {code: "; ".join(names) for code, names in found.items()}


def baseline_year(path: Path | None = None) -> int:
    """The year every index compares with (the plan's "năm 2023"), from plan/settings.yaml."""
    path = path or paths.reference("plan", "settings.yaml")
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    year = settings.get("baseline_year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ReferenceFileError(path.name, f"baseline_year must be a year such as 2023, not {year!r}")
    return year
