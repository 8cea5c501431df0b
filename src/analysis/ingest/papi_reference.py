"""The PAPI reference files of data/reference/papi/: dimensions, sub-dimensions, report settings, survey map.

They are small, committed and edited by analysts, so each reader checks what the code relies on and names the
file and the line when something is off (IngestError, no traceback).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.ingest.tables import IngestError
from analysis.reference import plan
from analysis.text import nfc

FOLDER = ("papi",)
OFFICIAL_FILE = "papi_provincial_dimensions.csv"
REAL_SUBDIMENSION_FILE = "subdimension_scores.csv"
DEMO_SUBDIMENSION_FILE = "demo_subdimension_scores_tay_ninh.csv"
TARGET_RULES = ("median", "p75", "next_group")
QUARTILE_RULES = ("nearest_rank",)


def reference_path(name: str) -> Path:
    return paths.reference(*FOLDER, name)


def read_reference_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """A committed CSV with a ``#`` comment header, every cell as NFC text; missing columns named."""
    if not path.exists():
        raise IngestError(f"{path.name}: reference file not found in {path.parent}")
    frame = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise IngestError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return frame.apply(lambda column: column.map(nfc)).astype("string")


def dimensions(path: Path | None = None) -> pd.DataFrame:
    """code, name_vi, plan_name_vi, name_en, short_vi, first_year (int) — D1…D8 in order."""
    frame = read_reference_csv(path or reference_path("dimensions.csv"),
                               ("code", "name_vi", "plan_name_vi", "name_en", "short_vi", "first_year"))
    return frame.assign(first_year=frame["first_year"].astype(int))


def subdimensions(path: Path | None = None) -> pd.DataFrame:
    """code, parent, name_vi, name_en, since (int), k (number of sub-dimensions of the parent)."""
    frame = read_reference_csv(path or reference_path("subdimensions.csv"),
                               ("code", "parent", "name_vi", "name_en", "since"))
    frame = frame.assign(since=frame["since"].astype(int))
    return frame.assign(k=frame.groupby("parent")["code"].transform("size").astype(int))


def expected_dimensions(year: int, dims: pd.DataFrame) -> list[str]:
    """The dimensions PAPI scored in ``year``: D1–D6 before 2018, D1–D8 from 2018 (dimensions.csv first_year)."""
    return dims.loc[dims["first_year"] <= year, "code"].tolist()


@dataclass(frozen=True)
class PapiSettings:
    focus_province: str
    baseline_year: int
    target_rule: str
    quartile_rule: str
    survey_confidence: float


def settings(path: Path | None = None) -> PapiSettings:
    """The report's non-official settings (settings.csv), each checked against its allowed values."""
    path = path or reference_path("settings.csv")
    table = read_reference_csv(path, ("setting", "value"))
    values = dict(zip(table["setting"], table["value"]))
    values.setdefault("baseline_year", str(plan.baseline_year()))  # one baseline year: the plan's, by default
    missing = [name for name in PapiSettings.__dataclass_fields__ if name not in values]
    if missing:
        raise IngestError(f"{path.name}: setting(s) missing: {', '.join(missing)}")
    if values["target_rule"] not in TARGET_RULES:
        raise IngestError(f"{path.name}: target_rule {values['target_rule']!r} is not one of {', '.join(TARGET_RULES)}")
    if values["quartile_rule"] not in QUARTILE_RULES:
        raise IngestError(f"{path.name}: quartile_rule {values['quartile_rule']!r} is not one of "
                          f"{', '.join(QUARTILE_RULES)}")
    try:
        baseline, confidence = int(values["baseline_year"]), float(values["survey_confidence"])
    except ValueError:
        raise IngestError(f"{path.name}: baseline_year must be a year and survey_confidence a number "
                          f"such as 0.95") from None
    if not 0 < confidence < 1:
        raise IngestError(f"{path.name}: survey_confidence {confidence} must lie between 0 and 1")
    return PapiSettings(values["focus_province"], baseline, values["target_rule"], values["quartile_rule"],
                        confidence)


def survey_map(path: Path | None = None, subs: pd.DataFrame | None = None,
               scales: pd.DataFrame | None = None) -> pd.DataFrame:
    """question → indicator → sub-dimension → dimension with scale and direction, checked for consistency."""
    path = path or reference_path("survey_map.csv")
    frame = read_reference_csv(path, ("question", "headers", "text_vi", "scale", "direction", "indicator",
                                      "indicator_vi", "subdimension", "dimension"))
    subs = subdimensions() if subs is None else subs
    scales = survey_scales() if scales is None else scales
    parents = frame["subdimension"].map(dict(zip(subs["code"], subs["parent"])))
    problems = [
        (parents.isna(), lambda r: f"sub-dimension {r.subdimension!r} is not in subdimensions.csv"),
        (parents.notna() & (parents != frame["dimension"]),
         lambda r: f"{r.subdimension} does not belong to {r.dimension} (subdimensions.csv)"),
        (~frame["scale"].isin(scales["scale"]), lambda r: f"scale {r.scale!r} is not in survey_scales.csv"),
        (~frame["direction"].isin(["1", "-1"]), lambda r: f"direction must be 1 or -1, not {r.direction!r}"),
    ]
    for mask, message in problems:
        if mask.fillna(True).any():
            first = frame[mask.fillna(True)].iloc[0]
            raise IngestError(f"{path.name}, question {first.question}: {message(first)}")
    if frame["question"].duplicated().any():
        raise IngestError(f"{path.name}: question code(s) listed twice: "
                          f"{', '.join(frame.loc[frame['question'].duplicated(), 'question'])}")
    return frame.assign(direction=frame["direction"].astype(int))


def survey_scales(path: Path | None = None) -> pd.DataFrame:
    """scale, answer, value (Float64; NA = not an answer), with each scale's lowest and highest value."""
    frame = read_reference_csv(path or reference_path("survey_scales.csv"), ("scale", "answer", "value"))
    values = pd.to_numeric(frame["value"].replace("", pd.NA), errors="raise").astype("Float64")
    frame = frame.assign(value=values)
    bounds = frame.groupby("scale")["value"].agg(low="min", high="max")
    return frame.join(bounds, on="scale")
