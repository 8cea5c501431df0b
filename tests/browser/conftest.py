"""A small demo batch (one unit, every report kind) and a headless Chromium that may open local files only.

Debian's chromium is driven by Playwright (from PyPI) through ``executable_path``: Playwright's own browser
download cannot work offline. Where neither can be installed the browser tests are skipped, saying why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.batch.run import run_batch
from analysis.periods import Period

PERIOD = Period.parse("2024Q4")
UNITS = ["Ninh Thạnh"]  # has every report kind, the unit PAPI survey included
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'"
    )
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "no Chromium on this machine: install it (Debian: apt-get install chromium) to run the browser tests"
        )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory, demo_export_set) -> Path:
    """reports/2024Q4 of a demo batch for one unit: every report kind, city-wide ones included."""
    root = tmp_path_factory.mktemp("browser_batch")
    result = run_batch(
        PERIOD,
        units=UNITS,
        jobs=2,
        raw=demo_export_set[0],
        processed=root / "processed",
        reports=root / "reports",
        log=lambda *_: None,
    )
    assert result.ok, [(r.notebook, r.unit, r.error) for r in result.results if not r.ok]
    return root / "reports" / PERIOD.label
