"""Every folder the project uses, computed in one place.

The root is the checkout that holds ``src/analysis``; ``CHISO_ROOT`` overrides it (tests, other layouts).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("CHISO_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


ROOT = project_root()
DATA = ROOT / "data"
RAW = DATA / "raw"  # the analyst's exports, never written by the code
DEMO = DATA / "demo"  # the demo export set, read when RAW holds no export
PROCESSED = DATA / "processed"
REFERENCE = DATA / "reference"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"


def reference(*parts: str) -> Path:
    """A committed reference file, e.g. ``reference("one_stop", "aliases.csv")``."""
    return REFERENCE.joinpath(*parts)
