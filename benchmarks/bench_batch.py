"""Wall time of the quarterly batch for the ten units on the demo export set, with 1 and 2 notebook workers
side by side in one run (the ratio is the pool's gain). Writes results/batch.txt.

    .venv/bin/python benchmarks/bench_batch.py [--period 2024Q4]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from analysis import collect, paths
from analysis.batch.jobs import select_notebooks
from analysis.batch.run import run_reports
from analysis.demo import write_all
from analysis.ingest import runner
from analysis.periods import Period
from analysis.publish import workbook
from analysis.reference.units import all_units

RESULTS = Path(__file__).parent / "results" / "batch.txt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", default="2024Q4")
    period = Period.parse(parser.parse_args().period)
    lines = [
        f"batch benchmark, period {period.label}, {len(all_units())} units, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        write_all(root / "raw")
        t1 = time.perf_counter()
        manifest = runner.run(root / "raw", root / "processed")
        t2 = time.perf_counter()
        workbook.write(collect.all_rows(root / "processed", period), root / "out")
        t3 = time.perf_counter()
        dossiers = manifest["sources"]["one_stop"]["rows"]
        lines += [
            f"demo export set written: {t1 - t0:.1f} s",
            f"ingest, all sources: {t2 - t1:.1f} s ({dossiers} dossiers, {dossiers / (t2 - t1):,.0f} per s)",
            f"indicators of every unit and index (csv + xlsx): {t3 - t2:.1f} s",
        ]
        notebooks = select_notebooks(paths.NOTEBOOKS, None)
        seconds = {}
        for jobs in (1, 2):
            started = time.perf_counter()
            result = run_reports(
                period,
                all_units(),
                notebooks,
                processed=root / "processed",
                reports=root / f"reports{jobs}",
                jobs=jobs,
                notebooks_dir=paths.NOTEBOOKS,
                demo=True,
                log=lambda *_: None,
            )
            seconds[jobs] = time.perf_counter() - started
            ok = sum(r.ok for r in result.results)
            lines.append(
                f"reports with {jobs} worker(s): {seconds[jobs]:.1f} s for {len(result.results)} "
                f"notebooks ({ok} ok), {seconds[jobs] / len(result.results):.2f} s each"
            )
        lines.append(f"ratio 1 worker / 2 workers: {seconds[1] / seconds[2]:.2f}x")
        lines.append(f"whole batch with 2 workers (ingest + indicators + reports): {t3 - t1 + seconds[2]:.1f} s")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
