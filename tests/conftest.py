"""Shared fixtures: the demo export set, written once per test session (it takes ~15-40 s); a reference
folder of the test's own."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_export_set(tmp_path_factory) -> tuple[Path, list[Path]]:
    """(raw folder, files written) of ``analysis.demo.write_all``; tests must not modify these files."""
    from analysis.demo import write_all

    raw = tmp_path_factory.mktemp("demo_raw")
    return raw, write_all(raw)


@pytest.fixture
def own_reference(tmp_path, monkeypatch) -> Iterator[Path]:
    """A copy of data/reference/ in place of the shipped one (``paths.REFERENCE``), for a test to write the
    settings it relies on: the rule is tested on the test's own values, so an analyst's edit of the shipped
    files (which the README invites) cannot break the suite. Cached readers are cleared before and after."""
    from analysis import paths

    folder = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE, folder)
    monkeypatch.setattr(paths, "REFERENCE", folder)
    _clear_caches()
    yield folder
    _clear_caches()


def _clear_caches() -> None:
    """Every functools cache of the package (reference files read once per process)."""
    for name, module in list(sys.modules.items()):
        if name == "analysis" or name.startswith("analysis."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
