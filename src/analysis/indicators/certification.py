"""Which dossiers are "chứng thực" (certification): the export has no flag for it, so the settings name the
columns and texts that recognise one (data/reference/service/certification.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.text import fold


def is_certification(dossiers: pd.DataFrame, certification: pd.DataFrame) -> np.ndarray:
    """Per dossier: does any configured column contain a configured text (folded)? Folds distinct values only."""
    found = np.zeros(len(dossiers), dtype=bool)
    for column, group in certification.groupby("column", sort=False):
        if column not in dossiers:
            continue
        needles = [fold(text) for text in group["contains"]]
        codes, uniques = pd.factorize(dossiers[column])
        hits = np.array([any(n in fold(u) for n in needles) for u in uniques] + [False], dtype=bool)
        found |= hits[codes]  # code -1 (missing) picks the trailing False
    return found
