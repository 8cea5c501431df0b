"""Deterministic demo exports, laid out as real exports are (``<out>/<source>/demo_*``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analysis.demo import one_stop, papi_survey, par, plan, sipas

# Source -> its ``write(out) -> files written``; each writes under ``<out>/<source>/``.
WRITERS: dict[str, Callable[[Path], list[Path]]] = {
    "one_stop": one_stop.write,
    "sipas": sipas.write,
    "par_index": par.write,
    "papi_survey": papi_survey.write,
    "plan": plan.write,
}


def write_all(out: Path) -> list[Path]:
    """Write every source's demo files under ``out``; returns the files written."""
    written: list[Path] = []
    for write in WRITERS.values():
        written += write(Path(out))
    return written
