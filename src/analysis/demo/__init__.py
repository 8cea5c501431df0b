"""Deterministic demo exports, laid out as real exports are (``<out>/<source>/demo_*``)."""
from __future__ import annotations

import importlib
from pathlib import Path

WRITERS = {
    "one_stop": "analysis.demo.one_stop",
    "sipas": "analysis.demo.sipas",
    "par_index": "analysis.demo.par",
    "papi_survey": "analysis.demo.papi_survey",
    "plan": "analysis.demo.plan",
}


def write_all(out: Path) -> list[Path]:
    """Write every source's demo files under ``out``; returns the files written."""
    written: list[Path] = []
    for module_name in WRITERS.values():
        written += importlib.import_module(module_name).write(Path(out))
    return written
