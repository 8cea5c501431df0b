"""The plan's I/O edge: task rows (``index = plan``), year-end projections of every targeted row, the points
worth winning back and the one-stop desk's action list, from the processed tables and plan/ reference files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.indicators import due_soon, win_back
from analysis.indicators.long import concat_long, long_frame
from analysis.indicators.plan_tasks import task_status, task_statuses
from analysis.indicators.verdicts import project_rows, verdicts
from analysis.periods import Period
from analysis.reference import plan, units

INDEX = "plan"
# How each targeted component projects to year end (indicators/projection.py). SIPAS criteria are survey
# shares; the SIPAS index carries its own interval. late.citizen (returned late + still overdue at the end)
# is projected as a count: its overdue part is a stock, so mid-year the projection leans high.
KINDS = {
    ("service", "1"): "share",
    ("service", "2.1"): "share",
    ("service", "2.1.late"): "count",
    ("service", "late.citizen"): "count",
    ("service", "06a.10"): "count",
    ("service", "06a.13"): "stock",
    ("service", "apology.missing"): "count",
    ("service", "3.3"): "share",
    ("service", "3.3.chung_thuc"): "share",
    ("service", "3.6"): "share",
    ("service", "4.1"): "share",
    ("service", "4.2"): "share",
    ("service", "5.4"): "share",
}


@dataclass(frozen=True)
class YearToDate:
    """1 January to the period's last day, usable wherever a Period is (``first``, ``last``, ``label``)."""

    year: int
    last: date
    kind: str = "ytd"

    @property
    def first(self) -> date:
        return date(self.year, 1, 1)

    @property
    def label(self) -> str:
        return f"{self.year}-ytd-{self.last:%m%d}"

    @property
    def label_vi(self) -> str:
        return f"01/01–{self.last:%d/%m/%Y}"

    def in_year(self, year: int) -> YearToDate:
        return YearToDate(year, self.last.replace(year=year))

    def months(self) -> list[Period]:
        return [Period("month", self.year, m) for m in range(1, self.last.month + 1)]


def deadlines(tasks: pd.DataFrame | None = None) -> dict[tuple[str, str], str]:
    """(index, code) -> the deadlines of the plan's tasks serving it ("Trong năm 2024; Hằng ngày")."""
    tasks = plan.tasks() if tasks is None else tasks
    found: dict[tuple[str, str], list[str]] = {}
    for row in tasks.itertuples(index=False):
        for entry in filter(None, row.codes.split("|")):
            index, _, code = entry.partition(":")
            if row.deadline not in found.setdefault((index, code), []):
                found[(index, code)].append(row.deadline)
    return {key: "; ".join(values) for key, values in found.items()}


def task_frame(processed: Path | str | None, period: Period, unit: str) -> pd.DataFrame:
    return task_status(plan.tasks(), store.read_table("plan_progress", processed), unit, period.first, period.last)


def rows(processed: Path, period: Period, only: list[str] | None = None) -> pd.DataFrame:
    """Every task of the plan for every unit (or the units in ``only``), as long rows with ``index = plan``."""
    names = [u.unit for u in units.all_units() if only is None or u.unit in only]
    frame = task_statuses(plan.tasks(), store.read_table("plan_progress", processed), names, period.first, period.last)
    return long_frame(
        pd.DataFrame(
            {
                "period": period.label,
                "unit": frame["unit"],
                "index": INDEX,
                "code": frame["task"],
                "name": frame["text"],
                "level": "task",
                "status": frame["status"],
                "owner": frame["owner"],
                "deadline": frame["deadline"],
                "note": [_task_note(r) for r in frame.itertuples(index=False)],
            }
        )
    )


def _task_note(row) -> str | None:
    parts = [
        f"báo cáo {row.reported}" if isinstance(row.reported, str) else None,
        row.evidence,
        "quá hạn, chưa có văn bản chứng minh" if row.past_due_without_evidence else None,
    ]
    return "; ".join(p for p in parts if isinstance(p, str)) or None


def service_and_sipas(
    processed: Path,
    period: Period | YearToDate,
    baseline_year: int,
    only: list[str] | None = None,
    with_intervals: bool = True,
) -> pd.DataFrame:
    """The service and SIPAS long rows of a period (or year to date) for every unit, or for ``only``; without
    SIPAS intervals (nor the statuses they decide) where only the values are read."""
    from analysis.collect import service, sipas
    from analysis.indicators.service import service_rows

    dossiers = service.read_dossiers(processed)
    manual = store.read_table(service.MANUAL_SOURCE, processed)
    if isinstance(period, YearToDate) and manual is not None:
        manual = year_to_date_figures(manual, period)
    frames = []
    if dossiers is not None:
        names = only or [u.unit for u in units.all_units()]
        names += [] if only else sorted(set(dossiers["unit"].dropna()) - set(names))
        mine = dossiers if only is None else dossiers[dossiers["unit"].isin(only)]
        frames.append(
            service_rows(
                mine,
                period,  # type: ignore[arg-type]  # a YearToDate has what service_rows reads of a Period
                baseline_year,
                units=names,
                manual=manual,
            )
        )
    frames.append(sipas.rows(processed, period, only, with_intervals))  # type: ignore[arg-type]
    return concat_long(frames)


def year_to_date_figures(manual: pd.DataFrame, ytd: YearToDate) -> pd.DataFrame:
    """The analyst's quarterly figures of the year up to ``ytd`` pooled (numerators and denominators summed),
    labelled with ``ytd``; a code reported without a denominator in any quarter sums numerators only."""
    quarters = [f"{ytd.year}Q{q}" for q in range(1, (ytd.last.month - 1) // 3 + 2)]
    mine = manual[manual["period"].astype(str).isin(quarters)]
    pooled = mine.groupby(["unit", "code"], as_index=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", lambda d: d.sum() if d.notna().all() else None)
    )
    return pooled.assign(period=ytd.label)


def year_to_date_rows(
    processed: Path, period: Period, only: list[str] | None = None, rows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The service and SIPAS rows of 1 January to the period's end (the figures projections start from); a
    first quarter is its own year to date: its ``rows`` when given. (Not a year: its analyst's figures are the
    yearly ones, the year to date pools the quarterly ones.)"""
    if rows is not None and period.kind == "quarter" and period.first == date(period.year, 1, 1):
        return rows[rows["index"].isin(["service", "sipas"])]
    return service_and_sipas(processed, YearToDate(period.year, period.last), period.year, only)


def with_projections(frame: pd.DataFrame, processed: Path, period: Period) -> pd.DataFrame:
    """All indicator rows of the period with their year-end projections (quarters and years only)."""
    if period.kind == "month" or frame.empty:
        return frame
    return project_rows(frame, year_to_date_rows(processed, period, rows=frame), period.last, KINDS, deadlines())


# ---------------------------------------------------------------- one unit, for the scorecard


@dataclass
class Scorecard:
    unit: str
    period: Period
    targets: pd.DataFrame  # targeted rows with projection and verdict
    quarters: pd.DataFrame  # unit, index, code, period, value — the quarters of the year so far
    tasks: pd.DataFrame  # indicators.plan_tasks.task_status
    win_back: pd.DataFrame
    actions: pd.DataFrame  # indicators.due_soon.action_list
    as_of: date | None
    working_days: int
    notes: list[str] = field(default_factory=list)


def unit_rows(processed: Path, period: Period, unit: str) -> pd.DataFrame:
    """What ``collect.all_rows`` gives for one unit (with the province's PAPI rows), computed for that unit
    only: the scorecard's input without every other unit's indices."""
    from analysis.collect import papi, par

    par_rows = par.rows(processed, period)
    frame = concat_long(
        [
            service_and_sipas(processed, period, plan.baseline_year(), [unit]),
            papi.rows(processed, period),
            par_rows[par_rows["unit"] == unit],
            rows(processed, period, [unit]),
        ]
    )
    if period.kind == "month":
        return frame
    return project_rows(frame, year_to_date_rows(processed, period, [unit], frame), period.last, KINDS, deadlines())


def quarter_rows(processed: Path, period: Period, unit: str, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The service and SIPAS figures of each quarter of the period's year up to the period, for one unit;
    a quarter's own figures are taken from its ``rows`` when given rather than computed again."""
    last_quarter = (period.last.month - 1) // 3 + 1
    table = concat_long(
        [
            rows[(rows["unit"] == unit) & rows["index"].isin(["service", "sipas"])]
            if rows is not None and quarter == period
            else service_and_sipas(processed, quarter, period.year, [unit], with_intervals=False)
            for quarter in (Period("quarter", period.year, q) for q in range(1, last_quarter + 1))
        ]
    )
    return table.loc[table["target"].notna(), ["unit", "index", "code", "period", "value"]].reset_index(drop=True)


def action_list(processed: Path | str | None, unit: str) -> tuple[pd.DataFrame, date | None, int]:
    """The unit's action list as of its exports' snapshot date, and that date and N."""
    from analysis.collect import service

    dossiers = service.read_dossiers(processed)
    n = plan.due_soon_working_days()
    if dossiers is None or not (dossiers["unit"] == unit).any():
        return pd.DataFrame(columns=due_soon.COLUMNS), None, n
    mine = dossiers[dossiers["unit"] == unit]
    as_of = due_soon.snapshot_date(mine)
    if as_of is None:  # no date at all in the export: nothing can be due
        return pd.DataFrame(columns=due_soon.COLUMNS), None, n
    return due_soon.action_list(mine, as_of, n, plan.public_holidays()["date"]), as_of, n


def action_lists(processed: Path | str | None, names: list[str]) -> pd.DataFrame:
    """Every unit's action list, one table, with the snapshot date each was taken at (``as_of``)."""
    frames = []
    for unit in names:
        actions, as_of, _ = action_list(processed, unit)
        if len(actions):
            frames.append(actions.assign(as_of=pd.Timestamp(as_of)))
    if not frames:
        return pd.DataFrame(columns=[*due_soon.COLUMNS, "as_of"])
    return pd.concat(frames, ignore_index=True)


def scorecard(processed: Path | str | None, period: Period, unit: str, rows: pd.DataFrame) -> Scorecard:
    """Everything notebook 05 shows for ``unit``; ``rows`` = the period's long rows with projections."""
    processed = store.processed_dir(processed)
    mine = rows[rows["unit"] == unit]
    keys = set(zip(plan.targets()["index"], plan.targets()["code"]))
    targeted = mine[[(i, c) in keys for i, c in zip(mine["index"], mine["code"])]].copy()
    targeted["verdict"] = verdicts(targeted, plan.comparisons())
    papi = rows[rows["index"] == "papi"]  # PAPI is the province's: it counts for every unit
    actions, as_of, n = action_list(processed, unit)
    return Scorecard(
        unit=unit,
        period=period,
        targets=targeted.reset_index(drop=True),
        quarters=quarter_rows(processed, period, unit, rows),
        tasks=task_frame(processed, period, unit),
        win_back=win_back.table(pd.concat([mine, papi]), deadlines(), default_deadline=f"Trong năm {period.year}"),
        actions=actions,
        as_of=as_of,
        working_days=n,
    )
