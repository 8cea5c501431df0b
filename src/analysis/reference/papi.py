"""The PAPI reference files of data/reference/papi/: dimensions, sub-dimensions, report settings, survey map.

They are small, committed and edited by analysts, so each reader checks what the code relies on and names the
file, the row and the column when something is off (ReferenceFileError: one line, no traceback).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.reference import checks, plan
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
    """A committed CSV with a ``#`` comment header, every cell as NFC text, the file's line numbers as the
    index (for messages); missing file or columns named."""
    frame = checks.read_csv(path, required, keep_default_na=False)
    lines = frame.pop(checks.LINE)
    return frame.apply(lambda column: column.map(nfc)).astype("string").set_axis(lines.to_numpy())


def _integers(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    return checks.numbers(frame.assign(**{checks.LINE: frame.index}), column, path).astype(int)


def dimensions(path: Path | None = None) -> pd.DataFrame:
    """code, name_vi, plan_name_vi, name_en, short_vi, first_year (int) — D1…D8 in order."""
    frame = read_reference_csv(
        path or reference_path("dimensions.csv"),
        ("code", "name_vi", "plan_name_vi", "name_en", "short_vi", "first_year"),
    )
    first_year = _integers(frame, "first_year", path or reference_path("dimensions.csv"))
    return frame.assign(first_year=first_year).reset_index(drop=True)


def subdimensions(path: Path | None = None) -> pd.DataFrame:
    """code, parent, name_vi, name_en, since (int), k (number of sub-dimensions of the parent)."""
    frame = read_reference_csv(
        path or reference_path("subdimensions.csv"), ("code", "parent", "name_vi", "name_en", "since")
    )
    frame = frame.assign(since=_integers(frame, "since", path or reference_path("subdimensions.csv")))
    return frame.assign(k=frame.groupby("parent")["code"].transform("size").astype(int)).reset_index(drop=True)


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
    line = dict(zip(table["setting"], table.index))
    label = checks.label(path)
    missing = [name for name in PapiSettings.__dataclass_fields__ if name not in values]
    if missing:
        raise ReferenceFileError(label, f"setting(s) missing: {', '.join(missing)}")
    for setting, allowed in (("target_rule", TARGET_RULES), ("quartile_rule", QUARTILE_RULES)):
        if values[setting] not in allowed:
            raise ReferenceFileError(
                label,
                f"{setting} {values[setting]!r} is not one of {', '.join(allowed)}",
                row=line[setting],
                column="value",
            )
    try:
        baseline = int(values["baseline_year"])
    except ValueError:
        raise ReferenceFileError(
            label,
            f"baseline_year must be a year, not {values['baseline_year']!r}",
            row=line.get("baseline_year"),
            column="value",
        ) from None
    try:
        confidence = float(values["survey_confidence"])
    except ValueError:
        confidence = float("nan")
    if not 0 < confidence < 1:
        raise ReferenceFileError(
            label,
            f"survey_confidence must be a number between 0 and 1 such as 0.95, not {values['survey_confidence']!r}",
            row=line["survey_confidence"],
            column="value",
        )
    return PapiSettings(values["focus_province"], baseline, values["target_rule"], values["quartile_rule"], confidence)


def survey_map(
    path: Path | None = None, subs: pd.DataFrame | None = None, scales: pd.DataFrame | None = None
) -> pd.DataFrame:
    """question → indicator → sub-dimension → dimension with scale and direction, checked for consistency."""
    path = path or reference_path("survey_map.csv")
    frame = read_reference_csv(
        path,
        (
            "question",
            "headers",
            "text_vi",
            "scale",
            "direction",
            "indicator",
            "indicator_vi",
            "subdimension",
            "dimension",
        ),
    )
    subs = subdimensions() if subs is None else subs
    scales = survey_scales() if scales is None else scales
    parents = frame["subdimension"].map(dict(zip(subs["code"], subs["parent"])))
    problems = [
        (parents.isna(), "subdimension", lambda r: f"sub-dimension {r.subdimension!r} is not in subdimensions.csv"),
        (
            parents.notna() & (parents != frame["dimension"]),
            "dimension",
            lambda r: f"{r.subdimension} does not belong to {r.dimension} (subdimensions.csv)",
        ),
        (~frame["scale"].isin(scales["scale"]), "scale", lambda r: f"scale {r.scale!r} is not in survey_scales.csv"),
        (
            ~frame["direction"].isin(["1", "-1"]),
            "direction",
            lambda r: f"direction must be 1 or -1, not {r.direction!r}",
        ),
        (frame["question"].duplicated(), "question", lambda r: f"question {r.question} is listed twice"),
    ]
    for mask, column, message in problems:
        if mask.fillna(True).any():
            first = frame[mask.fillna(True)].iloc[0]
            raise ReferenceFileError(
                checks.label(path), f"question {first.question}: {message(first)}", row=int(first.name), column=column
            )
    return frame.assign(direction=frame["direction"].astype(int)).reset_index(drop=True)


def survey_scales(path: Path | None = None) -> pd.DataFrame:
    """scale, answer, value (Float64; NA = not an answer), with each scale's lowest and highest value."""
    path = path or reference_path("survey_scales.csv")
    frame = read_reference_csv(path, ("scale", "answer", "value"))
    values = checks.numbers(frame.assign(**{checks.LINE: frame.index}), "value", path, blank_ok=True)
    values = values.astype("Float64").set_axis(frame.index)
    frame = frame.assign(value=values)
    bounds = frame.groupby("scale")["value"].agg(low="min", high="max")
    return frame.join(bounds, on="scale").reset_index(drop=True)
