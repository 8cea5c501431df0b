"""Kế hoạch 23/KH-UBND as data: its numeric targets, every task with its owners and deadline
(data/reference/plan/), the officials and bodies who own them, and the year it compares with."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.periods import YEARS
from analysis.reference import checks
from analysis.text import fold

TASK_COLUMNS = ["id", "section", "quote", "text", "owners", "deadline", "codes"]
OWNER_COLUMNS = ["id", "name", "spellings"]
# Deadlines that recur: judged quarter by quarter, never "past".
RECURRING = {"thuongxuyen": "Thường xuyên", "hangngay": "Hằng ngày"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"^quy(iv|iii|ii|i|[1-4])(?:nam)?(\d{4})$")
_MONTH = re.compile(r"^thang(\d{1,2})(?:nam)?(\d{4})$")
_YEAR = re.compile(r"^(?:trong)?nam(\d{4})$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def targets(path: Path | None = None) -> pd.DataFrame:
    """index, code, target, comparison, plan_section, plan_text — one row per targeted component."""
    path = path or paths.reference("plan", "targets.csv")
    frame = checks.read_csv(path, ("index", "code", "target", "comparison"), dtype={"code": str})
    frame["target"] = checks.numbers(frame, "target", path)
    checks.one_of(frame, "comparison", (">", ">=", "<", "<="), path)  # the keys of indicators.long.COMPARISONS
    return frame.drop(columns=checks.LINE)


def comparisons(path: Path | None = None) -> dict[tuple[str, str], str]:
    """(index, code) -> the comparison its target is judged by (">=", ">", "<=", "<")."""
    frame = targets(path)
    return dict(zip(zip(frame["index"], frame["code"]), frame["comparison"]))


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    """A plan CSV as stripped text, every required column present, indexed by its line in the file."""
    frame = checks.read_csv(path, columns, keep_default_na=False).set_index(checks.LINE)
    return frame[columns].apply(lambda c: c.str.strip())


def owners_table(path: Path | None = None) -> pd.DataFrame:
    """id, name, spellings — one row per official or body the plan makes responsible."""
    path = path or paths.reference("plan", "owners.csv")
    frame = _read(path, OWNER_COLUMNS)
    for line, row in frame.iterrows():
        for column in ("id", "name"):
            if not row[column]:
                raise ReferenceFileError(checks.label(path), f"{column} is blank", row=line, column=column)
    repeated = frame[frame["id"].duplicated()]
    if len(repeated):
        raise ReferenceFileError(
            checks.label(path), f"id {repeated['id'].iloc[0]!r} appears twice", row=repeated.index[0], column="id"
        )
    return frame.reset_index(drop=True)


def tasks(path: Path | None = None, owners_path: Path | None = None) -> pd.DataFrame:
    """Every task of the plan: id, section, quote, text, owners (ids, "|"), deadline, codes, plus
    ``owner`` (the owners' names, "; ") and ``due`` (the deadline's last day; NaT for a recurring task)."""
    path = path or paths.reference("plan", "tasks.csv")
    known = owners_table(owners_path or path.parent / "owners.csv").set_index("id")["name"]
    frame = _read(path, TASK_COLUMNS)
    repeated = frame[frame["id"].duplicated()]
    if len(repeated):
        raise ReferenceFileError(
            checks.label(path), f"task id {repeated['id'].iloc[0]!r} appears twice", row=repeated.index[0], column="id"
        )
    names, dues = [], []
    for line, row in frame.iterrows():
        if not row["id"] or not row["section"]:
            raise ReferenceFileError(checks.label(path), "id and section are required", row=line, column="id")
        owner = owner_names(row["owners"], known, path, line)
        for entry in filter(None, row["codes"].split("|")):
            if ":" not in entry:
                raise ReferenceFileError(
                    checks.label(path), f"code {entry!r} is not index:code", row=line, column="codes"
                )
        try:
            dues.append(deadline_date(row["deadline"]))
        except ValueError as exc:
            raise ReferenceFileError(checks.label(path), str(exc), row=line, column="deadline") from None
        names.append(owner)
    frame["owner"] = names
    frame["due"] = pd.to_datetime(pd.Series(dues, index=frame.index, dtype=object)).astype("datetime64[us]")
    return frame.reset_index(drop=True)


def owner_names(ids_text: str, known: pd.Series, path: Path, line: int) -> str:
    """Owner ids ("mot-cua|chuyen-mon") -> their names as the reports show them ("; "), checked against
    owners.csv (``known``: id -> name); a blank or unknown id names the file, row and column."""
    ids = [i.strip() for i in ids_text.split("|") if i.strip()]
    unknown = [i for i in ids if i not in known.index]
    if not ids or unknown:
        problem = f"owner id {unknown[0]!r} is not in plan/owners.csv" if unknown else "no owner"
        raise ReferenceFileError(checks.label(path), problem, row=line, column="owners")
    return "; ".join(known[i] for i in ids)


def deadline_date(text: str) -> date | None:
    """The last day a deadline allows ("Quý I/2024" -> 2024-03-31, "Tháng 02/2024" -> 2024-02-29,
    "Trong năm 2024" -> 2024-12-31, "15/03/2024"); None for a recurring one ("Thường xuyên", "Hằng ngày")."""
    key = fold(text)
    if key in RECURRING:
        return None
    if m := _QUARTER.match(key):
        year, quarter = int(m[2]), _ROMAN.get(m[1]) or int(m[1])
        return date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    if m := _MONTH.match(key):
        year, month = int(m[2]), int(m[1])
        if 1 <= month <= 12:
            return date(year, month, calendar.monthrange(year, month)[1])
    if m := _YEAR.match(key):
        return date(int(m[1]), 12, 31)
    if m := _DATE.match(str(text).strip()):
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(
        f"deadline {text!r} is not a quarter ('Quý I/2024'), a month ('Tháng 02/2024'), a year "
        "('Trong năm 2024'), a date (dd/mm/yyyy) or 'Thường xuyên' / 'Hằng ngày'"
    )


def owners(index: str, path: Path | None = None) -> dict[str, str]:
    """Component code -> owner(s) named by the plan for ``index`` ("papi" -> {"D1": "Công chức VH-XH…"})."""
    found: dict[str, list[str]] = {}
    for row in tasks(path).itertuples(index=False):
        for entry in filter(None, row.codes.split("|")):
            entry_index, _, code = entry.partition(":")
            if entry_index != index:
                continue
            for name in row.owner.split("; "):
                if name not in found.setdefault(code, []):
                    found[code].append(name)
    return {code: "; ".join(names) for code, names in found.items()}


def _settings(path: Path | None) -> tuple[Path, dict]:
    """plan/settings.yaml (or ``path``) and its values, read once."""
    path = path or paths.reference("plan", "settings.yaml")
    return path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _year(settings: dict, key: str, path: Path, example: str) -> int:
    """A year setting, within the years a reporting period can be in (periods.YEARS)."""
    return _number(settings, key, path, YEARS.start, YEARS.stop - 1, example)


def _number(settings: dict, key: str, path: Path, low: int, high: int, example: str) -> int:
    value = settings.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ReferenceFileError(checks.label(path), f"{key} must be {example}, not {value!r}")
    return value


@dataclass(frozen=True)
class PlanIdentity:
    """Which plan the reports follow, as its first page writes it (plan/settings.yaml)."""

    number: str  # "23/KH-UBND"
    issued: date
    issuer: str  # "UBND phường Ninh Thạnh"
    title: str  # the trích yếu
    plan_year: int
    baseline_year: int
    reported_to: str  # the body the units report to

    @property
    def short(self) -> str:
        """ "Kế hoạch 23/KH-UBND", as report titles name it."""
        return f"Kế hoạch {self.number}"

    @property
    def cited(self) -> str:
        """ "Kế hoạch 23/KH-UBND (20/02/2024) của UBND phường Ninh Thạnh", as notes cite it."""
        return f"{self.short} ({self.issued:%d/%m/%Y}) của {self.issuer}"


def identity(path: Path | None = None) -> PlanIdentity:
    """The plan's number, date, issuer, title, years and the body reported to, checked."""
    path, settings = _settings(path)
    texts = {}
    for key in ("plan_number", "plan_issuer", "plan_title", "reported_to"):
        value = settings.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ReferenceFileError(
                checks.label(path), f"{key} must be a text such as the plan's first page writes it"
            )
        texts[key] = " ".join(value.split())
    issued = settings.get("plan_date")
    if not isinstance(issued, date):
        raise ReferenceFileError(checks.label(path), f"plan_date must be a date YYYY-MM-DD, not {issued!r}")
    return PlanIdentity(
        number=texts["plan_number"],
        issued=issued,
        issuer=texts["plan_issuer"],
        title=texts["plan_title"],
        plan_year=_year(settings, "plan_year", path, "a year such as 2024"),
        baseline_year=_year(settings, "baseline_year", path, "a year such as 2023"),
        reported_to=texts["reported_to"],
    )


def baseline_year(path: Path | None = None) -> int:
    """The year every index compares with (the plan's "năm 2023"), from plan/settings.yaml."""
    path, settings = _settings(path)
    return _year(settings, "baseline_year", path, "a year such as 2023")


def due_soon_working_days(path: Path | None = None) -> int:
    """N of the one-stop desk's action list: open dossiers due within N working days (plan/settings.yaml)."""
    path, settings = _settings(path)
    return _number(settings, "due_soon_working_days", path, 0, 60, "a number of working days such as 3")


def public_holidays(path: Path | None = None) -> pd.DataFrame:
    """date, name — weekdays off for public servants (plan/public_holidays.csv)."""
    path = path or paths.reference("plan", "public_holidays.csv")
    frame = _read(path, ["date", "name"])
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        line = dates[dates.isna()].index[0]
        raise ReferenceFileError(
            checks.label(path), f"date {frame.loc[line, 'date']!r} is not YYYY-MM-DD", row=line, column="date"
        )
    return pd.DataFrame({"date": dates.dt.date.to_numpy(), "name": frame["name"].to_numpy()})
