"""Shared fixtures: the demo export set is written once per test session (it takes ~15-40 s)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_export_set(tmp_path_factory) -> tuple[Path, list[Path]]:
    """(raw folder, files written) of ``analysis.demo.write_all``; tests must not modify these files."""
    from analysis.demo import write_all

    raw = tmp_path_factory.mktemp("demo_raw")
    return raw, write_all(raw)
