"""SIPAS reference files (data/reference/sipas/): the QĐ 2640 questionnaire map, the answer words, the
respondent column spellings, settings.yaml, the baseline and the published results — read and checked here,
handed on as plain frames, dicts and tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.readers.headers import AliasTable
from analysis.reference import aliases, checks, units
from analysis.text import fold, nfc

FOLDER = "sipas"
NO_ANSWER = 0  # score given to the no-answer labels in answers.csv
SCORES = range(NO_ANSWER, 6)


def path_of(name: str) -> Path:
    return paths.reference(FOLDER, name)


def questionnaire(path: Path | None = None) -> pd.DataFrame:
    """code, element, element_name, criterion_text, headers — one row per criterion, in questionnaire order."""
    path = path or path_of("questionnaire.csv")
    table = checks.read_csv(path, ("code", "element", "element_name", "criterion_text", "headers")).fillna("")
    for column in ("code", "element"):
        blank = table[column] == ""
        if blank.any():
            raise ReferenceFileError(
                checks.label(path), "blank", row=int(table.loc[blank, checks.LINE].iat[0]), column=column
            )
    checks.unique(table, ["code"], path)
    for column in ("code", "element", "element_name", "criterion_text"):
        table[column] = table[column].map(nfc).astype("string")
    return table.drop(columns=checks.LINE)


def answer_scores(path: Path | None = None) -> dict[str, int]:
    """Folded answer text -> score 1-5, or NO_ANSWER (0) for the answers that mean "no opinion" (blank score)."""
    path = path or path_of("answers.csv")
    table = checks.read_csv(path, ("answer", "score"))
    scores = checks.numbers(table, "score", path, blank_ok=True).fillna(NO_ANSWER)
    bad = ~scores.isin(SCORES)
    if bad.any():
        raise ReferenceFileError(
            checks.label(path),
            f"score {scores[bad].iat[0]:g} is not 1-5 (blank = no answer)",
            row=int(table.loc[bad, checks.LINE].iat[0]),
            column="score",
        )
    return {fold(answer): int(score) for answer, score in zip(table["answer"], scores)}


def column_aliases(survey: pd.DataFrame, respondent_path: Path | None = None) -> AliasTable:
    """One alias table for respondent columns and answer columns; a spelling claimed by two fields is refused."""
    respondents = aliases.read(respondent_path or path_of("respondent_columns.csv"))
    pairs = [
        (code, spelling)
        for code, text, headers in zip(survey["code"], survey["criterion_text"], survey["headers"])
        for spelling in [code, text, *headers.split("|")]
        if fold(spelling)
    ]
    return respondents.extended(pairs, "data/reference/sipas (questionnaire.csv, respondent_columns.csv)")


def raw_settings(path: Path | None = None) -> dict:
    """settings.yaml as written (the report quotes it)."""
    return checks.read_yaml(path or path_of("settings.yaml"))


def target_of(raw: dict, targets: pd.DataFrame, index: str) -> tuple[float, str]:
    """(target, comparison) of the plan target that settings.yaml ``target_code`` names for ``index``."""
    code = str(raw.get("target_code", "overall"))
    found = targets[(targets["index"] == index) & (targets["code"] == code)]
    if found.empty:
        known = ", ".join(targets.loc[targets["index"] == index, "code"]) or "none"
        raise ReferenceFileError(
            "sipas/settings.yaml",
            f"plan/targets.csv has no {index} target {code!r} (its {index} codes: {known})",
            column="target_code",
        )
    return float(found["target"].iat[0]), str(found["comparison"].iat[0])


@dataclass(frozen=True)
class Baseline:
    values: pd.DataFrame  # unit, code, value
    file: str  # file name under data/reference/sipas/, "" when none exists
    demo: bool

    def for_unit(self, unit: str) -> dict[str, float]:
        part = self.values[self.values["unit"] == unit]
        return dict(zip(part["code"], part["value"].astype(float)))


def baseline(raw: dict | None = None) -> Baseline:
    """The first baseline file of settings.yaml that exists (the real one before the demo one)."""
    raw = raw_settings() if raw is None else raw
    for name in raw.get("baseline_files", []):
        path = path_of(name)
        if path.exists():
            table = checks.read_csv(path, ("unit", "code", "value"))
            table["value"] = checks.numbers(table, "value", path)
            table["unit"] = units.canonical(table["unit"])
            return Baseline(table[["unit", "code", "value"]], name, "demo" in name.lower())
    return Baseline(pd.DataFrame(columns=["unit", "code", "value"]), "", False)


def published(path: Path | None = None) -> pd.DataFrame:
    """Published national and provincial SIPAS results (scope, year, value, rank, source)."""
    path = path or path_of("published.csv")
    table = checks.read_csv(path, ("scope", "year", "value", "source"), dtype=None)
    table["value"] = checks.numbers(table, "value", path)
    return table.drop(columns=checks.LINE)
