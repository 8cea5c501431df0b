"""Columnar ingest, side by side in one run: this checkout against others (``--before NAME=SRC``), and DuckDB.

Uses the province generator of ``bench_province.py`` (100 units, dossiers of 2024 as one system CSV, written
vectorised) into ``--work`` (kept between runs: the data is built once). Each step runs in its own process,
measured from outside (``bench_province.run_step``: wall time, peak RSS of that process); load averages are
printed with every step (the machine is shared). Steps, in turns so that load changes hit both sides alike:

- ingest of the CSV (``python -m analysis ingest``) by this checkout and by each ``--before``, in turns;
- indicators of the four quarters from the processed folder (``collect.all_rows``), by each;
- DuckDB computing the core counts (received, on time, late, online per unit and quarter) from the same CSV;
- ingest of a 100,000-row xlsx (the same dossiers, one sheet, text cells), by each: rows per second.

    .venv/bin/python benchmarks/bench_columnar.py [--rows 1000000] [--before old=/path/to/old/src] [--work DIR]
        [--ingest-only]  (the two ingest steps only: no indicators, no DuckDB)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
XLSX_ROWS = 100_000


def root_for(work: Path, name: str, src: Path) -> Path:
    """A CHISO_ROOT for one side: that checkout's reference files (their layout may differ), with 100 units."""
    import bench_province as province

    root = work / f"root_{name}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(src.parent / "data" / "reference", root / "data" / "reference")
    province.province_units(root / "data" / "reference")
    return root


def generate(work: Path, rows: int) -> None:
    """The raw folders: a CSV of ``rows`` dossiers of 100 units, and a 100,000-row xlsx of the same dossiers."""
    import bench_province as province
    import numpy as np

    if (work / "done").exists() and (work / "done").read_text() == str(rows):
        return
    shutil.rmtree(work, ignore_errors=True)
    units = province.province_units(root_for(work, "after", REPO / "src") / "data" / "reference")
    table = province.dossiers(units, rows, np.random.default_rng(province.SEED))
    (work / "raw_csv" / "one_stop").mkdir(parents=True)
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, work / "raw_csv" / "one_stop" / "province.csv", pacsv.WriteOptions(quoting_style="needed"))
    (work / "raw_xlsx" / "one_stop").mkdir(parents=True)
    province.write_xlsx(work / "raw_xlsx" / "one_stop" / "dossiers.xlsx", table.slice(0, XLSX_ROWS))
    (work / "done").write_text(str(rows))


INDICATORS = """
import sys, time
from analysis import collect
from analysis.periods import Period
started = time.perf_counter()
rows = sum(len(collect.all_rows(sys.argv[1], Period.parse(f"2024Q{q}"))) for q in range(1, 5))
print('{"seconds": %.3f, "rows": %d}' % (time.perf_counter() - started, rows))
"""


def run(argv: list[str], env: dict, log: Path) -> dict:
    """``bench_province.run_step`` (wall time, peak RSS of the process, its JSON line) and the load before it."""
    import bench_province as province

    load = os.getloadavg()[0]
    return {**province.run_step(argv, env, log), "load_1m": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--before",
        action="append",
        default=[],
        metavar="NAME=SRC",
        help="another checkout's src folder to compare with (e.g. a git archive), repeatable",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/chiso_bench_columnar"))
    parser.add_argument("--ingest-only", action="store_true", help="only the CSV and xlsx ingest of each side")
    args = parser.parse_args()
    generate(args.work, args.rows)
    python = sys.executable
    sides = {"after": str(REPO / "src")}
    for named in args.before:
        name, _, src = named.partition("=")
        sides[name] = str(Path(src).resolve())
    results: dict = {"rows": args.rows, "cores": os.cpu_count(), "load_at_start": os.getloadavg()}
    envs = {}
    for side, src in sides.items():
        root = root_for(args.work, side, Path(src))
        envs[side] = {**os.environ, "PYTHONPATH": src, "CHISO_ROOT": str(root), "PYTHONUTF8": "1"}
    for kind in ("csv", "xlsx"):  # step by step, every side in turn: a change of load hits all sides alike
        for side, env in envs.items():
            out = args.work / f"processed_{kind}_{side}"
            shutil.rmtree(out, ignore_errors=True)
            step = run(
                [python, "-m", "analysis", "ingest", "--raw", str(args.work / f"raw_{kind}"), "--out", str(out)],
                env,
                args.work / f"ingest_{kind}_{side}.log",
            )
            results[f"ingest_{kind}_{side}"] = step
            print(
                f"ingest {kind:4} {side:8} {step['wall_s']:7.2f} s  peak {step['peak_rss_mb']:5} MB  "
                f"load {step['load_1m']}",
                flush=True,
            )
    for side, env in () if args.ingest_only else envs.items():
        step = run(
            [python, "-c", INDICATORS, str(args.work / f"processed_csv_{side}")],
            env,
            args.work / f"indicators_{side}.log",
        )
        results[f"indicators_{side}"] = step
        print(
            f"indicators  {side:8} {step['wall_s']:7.2f} s  (computation {step['seconds']} s)  "
            f"peak {step['peak_rss_mb']:5} MB  load {step['load_1m']}",
            flush=True,
        )
        step = run(
            [python, str(HERE / "bench_province.py"), "--step", "duckdb", "--work", str(args.work)],
            env,
            args.work / f"duckdb_{side}.log",
        )  # the same query as make bench, on the same CSV
        results[f"duckdb_{side}"] = step
        print(
            f"duckdb      ({side:6}) {step['wall_s']:7.2f} s  (query {step['seconds']} s)  "
            f"peak {step['peak_rss_mb']:5} MB  load {step['load_1m']}",
            flush=True,
        )
    for side in sides:
        results[f"xlsx_rows_per_s_{side}"] = round(XLSX_ROWS / results[f"ingest_xlsx_{side}"]["wall_s"])
        ratio = ""
        if not args.ingest_only:
            duck = results[f"duckdb_{side}"]["wall_s"]
            ours = results[f"ingest_csv_{side}"]["wall_s"] + results[f"indicators_{side}"]["wall_s"]
            results[f"ratio_vs_duckdb_{side}"] = round(ours / duck, 1)
            ratio = f"(ingest + indicators) / duckdb = {ours:.1f} / {duck:.1f} s = {ours / duck:.1f}x; "
        print(f"{side}: {ratio}xlsx {results[f'xlsx_rows_per_s_{side}']:,} rows/s (whole CLI process)")
    results["load_at_end"] = os.getloadavg()
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "columnar.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
