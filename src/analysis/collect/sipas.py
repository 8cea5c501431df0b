"""The I/O edge of SIPAS: read the processed forms and the reference files, call the pure functions.

``rows(processed, period)`` gives the long rows of every unit (for indicators.csv); ``unit_report(...)``
gathers everything the SIPAS notebook shows for one unit and period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.errors import ReferenceFileError
from analysis.indicators import sipas as index
from analysis.ingest import sipas as ingest
from analysis.periods import Period
from analysis.reference import plan, units
from analysis.reference.sipas import Baseline, baseline, published, questionnaire, raw_settings, target_of

SOURCE = ingest.SOURCE


# ---------------------------------------------------------------- reference files


def settings(path: Path | None = None, targets: pd.DataFrame | None = None) -> index.Settings:
    """The settings, with the target and its comparison taken from the plan (plan/targets.csv)."""
    raw = raw_settings(path)
    target, comparison = target_of(raw, plan.targets() if targets is None else targets, index.INDEX)
    try:
        return index.Settings.from_mapping(
            raw, target=target, comparison=comparison, baseline_period=str(plan.baseline_year())
        )
    except (TypeError, ValueError) as exc:  # a setting of the wrong kind or an unknown rule
        raise ReferenceFileError("sipas/settings.yaml", str(exc)) from None


@lru_cache(maxsize=1)
def _reference() -> tuple[pd.DataFrame, index.Settings, Baseline, dict[str, str]]:
    return questionnaire(), settings(), baseline(), plan.owners(index.INDEX)


# ---------------------------------------------------------------- every unit, for indicators.csv


def forms_in(processed: Path, period: Period) -> pd.DataFrame | None:
    table = store.read_table(SOURCE, processed)
    return None if table is None else index.in_period(table, period)


def rows(processed: Path, period: Period, only: list[str] | None = None, with_intervals: bool = True) -> pd.DataFrame:
    """Long rows of every unit of units.csv (no_data where a unit has no forms) and of any other unit named
    in the forms; of the units in ``only`` when given (one unit's scorecard)."""
    survey, config, base, owners = _reference()
    forms = forms_in(processed, period)
    forms = forms if forms is not None else pd.DataFrame(columns=["unit"])
    names = [u.unit for u in units.all_units()]
    names += sorted(set(forms["unit"].dropna()) - set(names))
    names = names if only is None else [n for n in names if n in only]
    return index.unit_rows(
        forms,
        names,
        survey,
        period=period.label,
        baseline=base.values,
        settings=config,
        owners=owners,
        with_intervals=with_intervals,
    )


def overall_row(processed: Path | str | None, unit: str, period: Period) -> pd.Series | None:
    """The unit's SIPAS overall row for the period (shown beside the service index's 5.4); None without forms."""
    forms = forms_in(store.processed_dir(processed), period)
    part = forms[forms["unit"] == unit] if forms is not None else None
    if part is None or part.empty:
        return None
    survey, config, base, owners = _reference()
    long = index.long_rows(
        index.estimate(part, survey, config),
        unit=unit,
        period=period.label,
        baseline=base.for_unit(unit),
        settings=config,
        owners=owners,
    )
    return long[long["code"] == index.OVERALL].iloc[0]


# ---------------------------------------------------------------- one unit, for the notebook


@dataclass
class UnitReport:
    unit: str
    period: Period
    forms: pd.DataFrame  # the unit's forms in the period (no personal data exists past ingest)
    estimate: index.Estimate
    long: pd.DataFrame
    settings: index.Settings
    settings_raw: dict
    baseline: Baseline
    breakdowns: pd.DataFrame  # dimension, group, forms, n, value, ci_low, ci_high, shown
    weak_by_group: pd.DataFrame  # the weakest criteria x groups (criterion_by_group)
    trend: pd.DataFrame
    published: pd.DataFrame
    service: pd.DataFrame | None  # the one-stop's own 5.4 for the unit and period, None without data
    answers_set_aside: int = 0  # unreadable answers of these forms (cell-level quarantine)
    has_source: bool = True  # False when no SIPAS export was ingested at all
    notes: list[str] = field(default_factory=list)

    @property
    def overall(self) -> pd.Series:
        return self.long[self.long["code"] == index.OVERALL].iloc[0]

    @property
    def weakest(self) -> pd.DataFrame:
        return index.weakest(self.estimate.criteria)


def trend_periods(period: Period) -> list[Period]:
    """Every quarter from the start of the previous year up to the period's end (2024Q1 -> 2023Q1 … 2024Q1)."""
    quarters = [Period("quarter", y, q) for y in (period.year - 1, period.year) for q in range(1, 5)]
    return [q for q in quarters if q.last <= period.last]


def unit_report(processed: Path, unit: str, period: Period) -> UnitReport:
    survey, config, base, owners = _reference()
    table = store.read_table(SOURCE, processed)
    has_source = table is not None
    all_forms = table[table["unit"] == unit] if table is not None else pd.DataFrame(columns=["unit", "survey_date"])
    forms = index.in_period(all_forms, period) if has_source else all_forms
    result = index.estimate(forms, survey, config)
    if len(forms):
        long = index.long_rows(
            result, unit=unit, period=period.label, baseline=base.for_unit(unit), settings=config, owners=owners
        )
    else:
        long = index.no_data_rows(survey, unit=unit, period=period.label, settings=config)
    weak_codes = index.weakest(result.criteria)["code"].tolist()
    breakdowns = (
        pd.concat([index.breakdown(forms, survey, config, d) for d in index.DIMENSIONS], ignore_index=True)
        if len(forms)
        else pd.DataFrame()
    )
    weak_by_group = (
        pd.concat([index.criterion_by_group(forms, weak_codes, config, d) for d in index.DIMENSIONS], ignore_index=True)
        if len(forms)
        else pd.DataFrame()
    )
    trend = index.trend(all_forms, survey, config, trend_periods(period)) if has_source else pd.DataFrame()
    return UnitReport(
        unit,
        period,
        forms,
        result,
        long,
        config,
        raw_settings(),
        base,
        breakdowns,
        weak_by_group,
        trend,
        published(),
        service_satisfaction(processed, unit, period),
        answers_set_aside=_set_aside(processed, forms),
        has_source=has_source,
    )


def _set_aside(processed: Path, forms: pd.DataFrame) -> int:
    """Quarantine entries that are single answers of these (kept) forms."""
    if forms.empty:
        return 0
    quarantine = store.read_quarantine(SOURCE, processed)
    kept = pd.MultiIndex.from_arrays([forms["source_file"].astype("string"), forms["source_row"].astype("int64")])
    entries = pd.MultiIndex.from_arrays(
        [quarantine["file"].astype("string"), quarantine["row"].fillna(-1).astype("int64")]
    )
    return int(entries.isin(kept).sum())


def service_satisfaction(processed: Path, unit: str, period: Period) -> pd.DataFrame | None:
    """The one-stop's own 5.4 for the unit and period; None while the service index or its data is missing."""
    try:
        from analysis.indicators.service import service_rows
    except ImportError:
        return None
    dossiers = store.read_table("one_stop", processed)
    if dossiers is None or "unit" not in dossiers:
        return None
    found = service_rows(dossiers[dossiers["unit"] == unit], period, plan.baseline_year(), units=[unit])
    found = found[found["code"] == "5.4"]
    return found if len(found) else None
