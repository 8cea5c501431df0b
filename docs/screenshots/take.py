"""`make screenshots`: the first screen of every report kind of a demo batch, as PNGs in docs/screenshots/.

Runs the batch on the demo export set for one unit in a temporary folder (nothing in data/ or reports/ is
touched), opens each report offline in Debian's chromium through Playwright and keeps the first 1200x800 screen,
reduced to a 256-colour palette so the committed pictures stay small.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from analysis.batch import run_batch
from analysis.demo import write_all
from analysis.periods import Period

HERE = Path(__file__).resolve().parent
SHOTS = {  # picture name -> report, relative to reports/<period>/
    "index": "index.html",
    "data_quality": "thanh-pho/00_data_quality.html",
    "plan_scorecard": "ninh-thanh/05_plan_scorecard.html",
    "service_index": "ninh-thanh/10_service_index.html",
    "sipas": "ninh-thanh/20_sipas.html",
    "papi": "thanh-pho/30_papi.html",
    "par_index": "ninh-thanh/40_par_index.html",
    "overview": "thanh-pho/90_overview.html",
}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def main() -> int:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("no chromium: install it first (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    period = Period.parse("2024Q4")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_all(root / "raw")
        result = run_batch(
            period,
            units=["Ninh Thạnh"],
            raw=root / "raw",
            processed=root / "processed",
            reports=root / "reports",
            log=lambda *_: None,
        )
        if not result.ok:
            print("the demo batch failed; no screenshots taken", file=sys.stderr)
            return 1
        out = root / "reports" / period.label
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            for name, report in SHOTS.items():
                page.goto((out / report).as_uri(), wait_until="load")
                png = root / f"{name}.png"
                page.screenshot(path=str(png))
                Image.open(png).convert("RGB").quantize(colors=256).save(HERE / f"{name}.png", optimize=True)
                print(f"{name}.png  ({(HERE / f'{name}.png').stat().st_size // 1024} KB)")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
