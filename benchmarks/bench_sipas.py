"""How long does the SIPAS part of the batch take for the ten units? And does ingest + indicators hold at
province scale (100 units, about 20,000 forms)?

Steps timed on the demo forms (10 units x 8 quarters, ~4,000 forms): ingest of every file, the long rows of
every unit for a quarter and for a year (criteria, bootstrap intervals), then notebooks/20_sipas.ipynb for
every unit through papermill (as the batch runs it: python3 kernel, immediate shutdown), one at a time and in a
pool of 2 processes, and the HTML of each with nbconvert; last, the real command (python -m analysis batch
--notebooks 20) on the SIPAS demo export alone. Results: benchmarks/results/sipas.txt.

    .venv/bin/python benchmarks/bench_sipas.py [--period 2024Q1] [--jobs 2] [--skip-province]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.collect import sipas as collect
from analysis.demo import sipas as demo
from analysis.ingest import runner
from analysis.ingest import sipas as ingest
from analysis.periods import Period
from analysis.reference import sipas as reference
from analysis.reference import units

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "20_sipas.ipynb"
RESULTS = Path(__file__).resolve().parent / "results" / "sipas.txt"


def run_notebook(job: tuple[str, str, str, str]) -> float:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    unit, period, processed, out = job
    start = time.perf_counter()
    papermill.execute_notebook(
        str(NOTEBOOK),
        out,
        kernel_name="python3",
        progress_bar=False,
        shutdown_kernel="immediate",
        parameters={"unit": unit, "period": period, "processed_dir": processed},
    )
    body, _ = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    ).from_notebook_node(nbformat.read(out, as_version=4))
    Path(out).with_suffix(".html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def timed(label: str, lines: list[str], func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    lines.append(f"{label:<58} {seconds:8.2f} s")
    print(lines[-1], flush=True)
    return result


def province_forms(table: pd.DataFrame, copies: int = 10) -> pd.DataFrame:
    """The demo forms repeated for 100 units (10 copies of the 10 units, renamed), as one code-answer CSV."""
    codes = reference.questionnaire()["code"].tolist()
    frames = []
    for copy in range(copies):
        part = table.copy()
        part["unit"] = part["unit"] + f" {copy:02d}"
        frames.append(part)
    forms = pd.concat(frames, ignore_index=True)
    out = pd.DataFrame(
        {
            "Mã phiếu": forms["unit"].str.slice(0, 3) + forms.index.astype(str),
            "Đơn vị": forms["unit"],
            "Ngày khảo sát": forms["survey_date"].dt.strftime("%d/%m/%Y"),
            "Lĩnh vực": forms["field"],
            "Giới tính": forms["gender"],
        }
    )
    for code in codes:
        out[code] = forms[code].astype("Float64").astype("Int64").astype("string").fillna("")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--period", default="2024Q1")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-province", action="store_true")
    args = parser.parse_args()
    period = Period.parse(args.period)
    lines = [
        f"SIPAS benchmark — {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f} (other work on the machine "
        "slows every step)"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw, processed, reports = root / "raw", root / "processed", root / "reports"
        reports.mkdir()
        paths = timed("demo forms written (not part of the batch)", lines, demo.write, raw)
        result = timed(f"ingest of {len(paths)} files", lines, ingest.ingest, raw)
        read = sum(f.rows_read for f in result.files)
        lines.append(f"  rows read {read}, ingested {len(result.table)}, quarantine entries {len(result.quarantine)}")
        timed("write processed layer", lines, runner.write_results, [result], processed, raw)
        quarter = timed(f"indicators (long rows) for {period.label}, all units", lines, collect.rows, processed, period)
        year = Period.parse(str(period.year))
        timed(f"indicators (long rows) for {year.label}, all units", lines, collect.rows, processed, year)
        lines.append(f"  rows per period: {len(quarter)} ({quarter['unit'].nunique()} units x 28 codes)")
        jobs = [(u.unit, period.label, str(processed), str(reports / f"{u.slug}.ipynb")) for u in units.all_units()]
        start = time.perf_counter()
        each = [run_notebook(job) for job in jobs]
        sequential = time.perf_counter() - start
        lines.append(
            f"{'notebook + HTML, 10 units, one at a time':<58} {sequential:8.2f} s"
            f"   (per unit {min(each):.2f}–{max(each):.2f} s)"
        )
        print(lines[-1], flush=True)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(run_notebook, jobs))
        pooled = time.perf_counter() - start
        lines.append(f"{f'notebook + HTML, 10 units, {args.jobs} processes':<58} {pooled:8.2f} s")
        print(lines[-1], flush=True)
        sizes = [Path(j[3]).with_suffix(".html").stat().st_size for j in jobs]
        lines.append(f"  HTML size per report {min(sizes) / 1e6:.2f}–{max(sizes) / 1e6:.2f} MB")
        ingest_and_indicators = sum(
            float(line.split()[-2])
            for line in lines
            if line.startswith(("ingest of", "write processed", "indicators (long rows) for " + period.label))
        )
        lines.append(
            f"SIPAS part of the batch for 10 units, {args.jobs} processes: "
            f"{ingest_and_indicators + pooled:.1f} s (ingest + indicators {ingest_and_indicators:.1f} s "
            f"+ notebooks {pooled:.1f} s)"
        )
        print(lines[-1], flush=True)

        command = [
            sys.executable,
            "-m",
            "analysis",
            "batch",
            "--period",
            period.label,
            "--notebooks",
            "20",
            "--jobs",
            str(args.jobs),
            "--raw",
            str(raw),
            "--processed",
            str(root / "batch_processed"),
            "--reports",
            str(root / "batch_reports"),
        ]
        done = timed(
            f"python -m analysis batch --notebooks 20 ({args.jobs} workers, ingest included)",
            lines,
            subprocess.run,
            command,
            capture_output=True,
            text=True,
        )
        lines.append(
            f"  exit status {done.returncode}; "
            f"{done.stdout.strip().splitlines()[-1].split('. Open')[0] if done.stdout else ''}"
        )

        if not args.skip_province:
            big = root / "province"
            (big / "sipas").mkdir(parents=True)
            province_forms(result.table).to_csv(big / "sipas" / "province.csv", index=False, encoding="utf-8-sig")
            lines.append("province scale: 100 units, one CSV")
            big_result = timed("  ingest", lines, ingest.ingest, big)
            lines.append(f"  forms {len(big_result.table)}")
            timed("  write processed layer", lines, runner.write_results, [big_result], big / "processed", big)
            timed(f"  indicators (long rows) for {year.label}, 100 units", lines, collect.rows, big / "processed", year)
    lines.append(f"load average at the end {os.getloadavg()[0]:.1f}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
