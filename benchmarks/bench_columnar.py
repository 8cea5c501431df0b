"""Columnar ingest, side by side in one run: this checkout against others (``--before NAME=SRC``), and DuckDB.

Uses the province generator of ``bench_province.py`` (100 units, dossiers of 2024 as one system CSV, written
vectorised) into ``--work`` (kept between runs: the data is built once). Each step runs in its own process and
is measured from outside with ``wait4`` (wall time, peak RSS of that process); load averages are printed with
every step (the machine is shared). Steps, in turns so that load changes hit both sides alike:

- ingest of the CSV (``python -m analysis ingest``) by this checkout and by each ``--before``;
- indicators of the four quarters from the processed folder (``collect.all_rows``), by each;
- DuckDB computing the core counts (received, on time, late, online per unit and quarter) from the same CSV;
- ingest of a 100,000-row xlsx (the same dossiers, one sheet, text cells), by each: rows per second.

    .venv/bin/python benchmarks/bench_columnar.py [--rows 1000000] [--before old=/path/to/old/src] [--work DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
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
    import numpy as np

    import bench_province as province

    if (work / "done").exists() and (work / "done").read_text() == str(rows):
        return
    shutil.rmtree(work, ignore_errors=True)
    units = province.province_units(root_for(work, "after", REPO / "src") / "data" / "reference")
    table = province.dossiers(units, rows, np.random.default_rng(province.SEED))
    (work / "raw_csv" / "one_stop").mkdir(parents=True)
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, work / "raw_csv" / "one_stop" / "province.csv",
                    pacsv.WriteOptions(quoting_style="needed"))
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
DUCKDB = """
import sys, time, duckdb
started = time.perf_counter()
counts = duckdb.sql(f'''
    with d as (
      select TenDonVi as unit, KenhThucHien as channel,
             strptime(NgayTiepNhan, '%d/%m/%Y %H:%M') as received, strptime(NgayHenTra, '%d/%m/%Y %H:%M') as due,
             strptime(NgayTra, '%d/%m/%Y %H:%M') as returned
      from read_csv('{sys.argv[1]}', all_varchar = true))
    select unit, quarter(received) as quarter, count(*) as received,
           count(*) filter (returned is not null and returned <= due) as on_time,
           count(*) filter (returned is not null and returned > due) as late,
           count(*) filter (channel = '2') as online
    from d group by all order by all''').fetch_arrow_table()
print('{"seconds": %.3f, "rows": %d}' % (time.perf_counter() - started, counts.num_rows))
"""


def run(argv: list[str], env: dict) -> dict:
    """Wall seconds and peak RSS (MB) of one process, and the JSON its last line printed (if any)."""
    load = os.getloadavg()
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO)
    out = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{out[-3000:]}")
    result = {"wall_s": round(time.perf_counter() - started, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024),
              "load_1m": round(load[0], 2)}
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if last.startswith("{"):
        result.update(json.loads(last))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--before", action="append", default=[], metavar="NAME=SRC",
                        help="another checkout's src folder to compare with (e.g. a git archive), repeatable")
    parser.add_argument("--work", type=Path, default=Path("/tmp/chiso_bench_columnar"))
    args = parser.parse_args()
    generate(args.work, args.rows)
    python = sys.executable
    sides = {"after": str(REPO / "src")}
    for named in args.before:
        name, _, src = named.partition("=")
        sides[name] = str(Path(src).resolve())
    results: dict = {"rows": args.rows, "cores": os.cpu_count(), "load_at_start": os.getloadavg()}
    for side, src in sides.items():
        root = root_for(args.work, side, Path(src))
        env = {**os.environ, "PYTHONPATH": src, "CHISO_ROOT": str(root), "PYTHONUTF8": "1"}
        for kind in ("csv", "xlsx"):
            out = args.work / f"processed_{kind}_{side}"
            shutil.rmtree(out, ignore_errors=True)
            step = run([python, "-m", "analysis", "ingest", "--raw", str(args.work / f"raw_{kind}"), "--out",
                        str(out)], env)
            results[f"ingest_{kind}_{side}"] = step
            print(f"ingest {kind:4} {side:8} {step['wall_s']:7.2f} s  peak {step['peak_rss_mb']:5} MB  "
                  f"load {step['load_1m']}", flush=True)
        step = run([python, "-c", INDICATORS, str(args.work / f"processed_csv_{side}")], env)
        results[f"indicators_{side}"] = step
        print(f"indicators  {side:8} {step['wall_s']:7.2f} s  (computation {step['seconds']} s)  "
              f"peak {step['peak_rss_mb']:5} MB  load {step['load_1m']}", flush=True)
        step = run([python, "-c", DUCKDB, str(args.work / "raw_csv" / "one_stop" / "province.csv")], env)
        results[f"duckdb_{side}"] = step
        print(f"duckdb      ({side:6}) {step['wall_s']:7.2f} s  (query {step['seconds']} s)  "
              f"peak {step['peak_rss_mb']:5} MB  load {step['load_1m']}", flush=True)
    for side in sides:
        duck = results[f"duckdb_{side}"]["wall_s"]
        ours = results[f"ingest_csv_{side}"]["wall_s"] + results[f"indicators_{side}"]["wall_s"]
        results[f"ratio_vs_duckdb_{side}"] = round(ours / duck, 1)
        results[f"xlsx_rows_per_s_{side}"] = round(XLSX_ROWS / results[f"ingest_xlsx_{side}"]["wall_s"])
        print(f"{side}: (ingest + indicators) / duckdb = {ours:.1f} / {duck:.1f} s = {ours / duck:.1f}x; "
              f"xlsx {results[f'xlsx_rows_per_s_{side}']:,} rows/s (whole CLI process)")
    results["load_at_end"] = os.getloadavg()
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "columnar.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
