"""PAPI's I/O edge: read the official results, sub-dimension scores, settings and the local survey, then call
the pure functions of indicators/papi.py and indicators/papi_like.py.

``rows`` feeds the batch's indicators.csv with the official figures of the focus province (they do not depend
on the ward); ``survey_rows`` gives the PAPI-like rows of every unit with a local survey; ``view`` is
everything the report shows. PAPI is annual: a quarter uses the latest published year not after its year.
Sub-dimension rows of indicators.csv come from the analyst's filled file only, never from the demo file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.indicators import papi
from analysis.indicators.long import concat_long
from analysis.indicators.papi_like import survey_rows as papi_like_rows
from analysis.ingest.papi_survey import SOURCE as SURVEY_SOURCE
from analysis.periods import Period
from analysis.reference import plan
from analysis.reference.papi import PapiSettings, dimensions, settings, subdimensions, survey_map, survey_scales
from analysis.reference.papi_official import read_official
from analysis.reference.papi_subdimensions import SubdimensionFile, choose_file, read_subdimensions
from analysis.store import cache as file_cache
from analysis.text import fold

TOTAL_NAME_VI = "Tổng điểm PAPI"


@dataclass(frozen=True)
class Reference:
    """The official results and the reference files, read and validated once."""

    official: pd.DataFrame
    dims: pd.DataFrame
    subs: pd.DataFrame
    settings: PapiSettings
    owners: dict[str, str]

    @classmethod
    def load(cls) -> Reference:
        """Read and validated once per version of the reference files in a process (every report and the
        indicators of a batch worker use the same)."""

        def read() -> Reference:
            dims = dimensions()
            return cls(read_official(dims=dims), dims, subdimensions(), settings(), plan.owners("papi"))

        return file_cache.memo("papi.reference", (), file_cache.reference_files(), read)

    @property
    def names(self) -> dict[str, str]:
        return {
            papi.TOTAL: TOTAL_NAME_VI,
            **dict(zip(self.dims["code"], self.dims["name_vi"])),
            **dict(zip(self.subs["code"], self.subs["name_vi"])),
        }

    def province(self, name: str) -> str:
        """The official spelling of a province (accents and case optional); a clear error when unknown."""
        known = {fold(p): p for p in self.official["province"].unique()}
        found = known.get(fold(name))
        if found is None:
            raise ValueError(
                f"province {name!r} is not in the official PAPI file; known provinces: "
                f"{', '.join(sorted(known.values()))}"
            )
        return found


@dataclass(frozen=True)
class PapiView:
    """Everything the PAPI report shows, computed once."""

    ref: Reference
    province: str
    region: str
    period: Period
    latest: int | None  # the PAPI year the period uses
    standing: pd.DataFrame  # every province, year and code (D1…D8, total)
    profile: pd.DataFrame  # the focus province, every year and code
    rows: pd.DataFrame  # long format: total, D1…D8 and (real file only) sub-dimensions
    sub_file: SubdimensionFile
    sub_profile: pd.DataFrame | None  # the focus province's sub-dimensions, every year (demo or real)
    unit: str | None
    survey: pd.DataFrame | None  # PAPI-like long rows of the unit, None when it has no survey
    survey_year: int | None
    survey_demo: bool

    @property
    def baseline_year(self) -> int:
        return self.ref.settings.baseline_year


def official_standing(ref: Reference) -> pd.DataFrame:
    return papi.standings(papi.scores_long(ref.official))


def subdimension_profile(
    ref: Reference, file: SubdimensionFile, province: str, standing: pd.DataFrame
) -> pd.DataFrame | None:
    """The province's sub-dimension profile from ``file``; None when the file has nothing for it."""
    if file.path is None:
        return None
    scores = read_subdimensions(file.path, ref.official, ref.subs)
    if not (scores["province"] == province).any():
        return None
    regions = ref.official.drop_duplicates("province").set_index("province")["region"]
    frame = scores.assign(region=scores["province"].map(regions), scale_dims=1, value=scores["score"])
    sub_standing = papi.mask_incomplete(
        papi.standings(frame[["province", "region", "year", "code", "value", "scale_dims"]]),
        standing,
        dict(zip(ref.subs["code"], ref.subs["parent"])),
    )
    return papi.province_profile(sub_standing, province, ref.settings.baseline_year)


def official_rows(
    ref: Reference, standing: pd.DataFrame, province: str, period: Period, sub_profile: pd.DataFrame | None
) -> tuple[int | None, pd.DataFrame, pd.DataFrame]:
    """(latest year, the province's profile, its long rows)."""
    latest = papi.latest_year(ref.official["year"].unique(), period.year)
    profile = papi.province_profile(standing, province, ref.settings.baseline_year)
    parents = dict(zip(ref.subs["code"], ref.subs["parent"]))
    frame = papi.long_rows(
        profile,
        province=province,
        latest=latest,
        baseline_year=ref.settings.baseline_year,
        rule=ref.settings.target_rule,
        names=ref.names,
        owners=ref.owners,
        period_label=period.label,
        sub_profile=sub_profile,
        sub_parents=parents,
        sub_names=ref.names,
    )
    return latest, profile, frame


def rows(processed: Path, period: Period) -> pd.DataFrame:
    """Official PAPI rows of the focus province (settings.csv) for the batch; ``processed`` is not needed."""
    ref = Reference.load()
    province = ref.province(ref.settings.focus_province)
    standing = official_standing(ref)
    real = choose_file()
    sub_profile = subdimension_profile(ref, real, province, standing) if not real.demo else None
    return official_rows(ref, standing, province, period, sub_profile)[2]


def unit_survey(processed: Path, period: Period, unit: str | None, ref: Reference) -> tuple[pd.DataFrame, int | None]:
    """PAPI-like rows of the latest survey year not after the period's year (every unit when ``unit`` is None)."""
    table = store.read_table(SURVEY_SOURCE, processed)
    if table is None:
        return concat_long([]), None
    if unit is not None:
        table = table[table["unit"] == unit]
    years = table["surveyed_on"].dt.year
    year = papi.latest_year(years.dropna().unique(), period.year)
    if year is None:
        return concat_long([]), None
    scales = survey_scales()
    found = papi_like_rows(
        table[years == year],
        survey_map(subs=ref.subs, scales=scales),
        scales,
        ref.subs,
        year=year,
        confidence=ref.settings.survey_confidence,
        names=ref.names,
        owners=ref.owners,
    )
    return found, year


def survey_rows(processed: Path, period: Period) -> pd.DataFrame:
    """PAPI-like rows (index "papi_like") of every unit with a local survey; empty without one."""
    return unit_survey(Path(processed), period, None, Reference.load())[0]


def view(processed: Path | str | None, period: Period, province: str = "", unit: str | None = None) -> PapiView:
    """The report's data: the focus province (default from settings.csv) and, for a unit, its local survey."""
    ref = Reference.load()
    province = ref.province(province or ref.settings.focus_province)
    standing = official_standing(ref)
    sub_file = choose_file()
    sub_profile = subdimension_profile(ref, sub_file, province, standing)
    latest, profile, long_rows = official_rows(ref, standing, province, period, None if sub_file.demo else sub_profile)
    region = ref.official.loc[ref.official["province"] == province, "region"].iloc[0]
    survey, survey_year = (None, None)
    if unit:
        survey, survey_year = unit_survey(store.processed_dir(processed), period, unit, ref)
    demo = bool(unit) and store.is_demo([SURVEY_SOURCE], store.processed_dir(processed))
    baseline = ref.settings.baseline_year
    return PapiView(
        ref,
        province,
        region,
        period,
        latest,
        papi.as_of(standing, latest, baseline),
        papi.as_of(profile, latest, baseline),
        long_rows,
        sub_file,
        None if sub_profile is None else papi.as_of(sub_profile, latest, baseline),
        unit or None,
        survey if survey is not None and len(survey) else None,
        survey_year,
        demo,
    )
