"""How fast is one-stop ingest on a 100,000-row export, against what an analyst would write by hand?

Builds once, in a temporary folder, a printed one-stop export of 100,000 simulated dossiers (title rows, every
column of the demo's fullest template, signature footer) as xlsx with Excel dates, and the same page as a
CSV with text dates (dd/mm/yyyy HH:MM). Then times, side by side in one run:

- ours: ``analysis.ingest.one_stop.ingest`` — finds the sheet and header, reads every column, quarantines,
  settles duplicates, accounts for every row (the whole step, not just reading);
- naive: ``pd.read_excel(engine="openpyxl", skiprows=…)`` (or ``pd.read_csv``) with the header row given by
  hand, then ``pd.to_datetime(format="mixed", dayfirst=True)`` on the four date columns — nothing else;
- naive + calamine: the same with ``engine="calamine"``, to show how much of the gap is the Excel reader.

Prints dossiers per second and the ratio, and writes benchmarks/results/ingest.txt.

    .venv/bin/python benchmarks/bench_ingest.py [--rows 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.demo import one_stop as demo
from analysis.demo.one_stop_sim import year_of_dossiers
from analysis.ingest import one_stop
from analysis.reference import units

RESULTS = Path(__file__).resolve().parent / "results" / "ingest.txt"
TITLE = [
    "UBND PHƯỜNG NINH THẠNH",
    "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    "Từ ngày 01/01/2023 đến ngày 31/12/2024",
]
HEADER_ROW = len(TITLE) + 1  # rows above the header: the title lines and a blank line
DATE_HEADERS = ["Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày trả kết quả"]


def dossiers(rows: int) -> pd.DataFrame:
    """``rows`` simulated dossiers: the demo's unit-years stacked (ids stay unique: they carry the unit)."""
    parts, total = [], 0
    for year in (2023, 2024):
        for number, unit in enumerate(units.all_units(), start=1):
            parts.append(year_of_dossiers(unit.unit, number, year))
            total += len(parts[-1])
            if total >= rows:
                return pd.concat(parts, ignore_index=True).head(rows)
    raise ValueError(f"the demo simulation has only {total} dossiers; ask for fewer rows")


def ours(raw: Path) -> int:
    result = one_stop.ingest(raw)
    for account in result.files:
        account.check()
    return len(result.table)


def naive(path: Path, engine: str | None) -> int:
    if path.suffix == ".csv":
        frame = pd.read_csv(path, skiprows=HEADER_ROW, dtype=str, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(path, engine=engine, skiprows=HEADER_ROW)
    frame = frame[pd.to_numeric(frame["STT"], errors="coerce").notna()]  # drop the footer lines by hand
    for column in DATE_HEADERS:
        frame[column] = pd.to_datetime(frame[column], format="mixed", dayfirst=True)
    return len(frame)


def best_of(repeat: int, func, *args) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = func(*args)
        times.append(time.perf_counter() - start)
    return min(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant; the best is reported")
    args = parser.parse_args()
    lines = [
        f"one-stop ingest benchmark — {args.rows:,} dossiers, best of {args.repeat}",
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, load average at start {os.getloadavg()[0]:.1f} (shared machine)",
        "",
    ]
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        frame = dossiers(args.rows)
        for kind, name, text_dates in (
            ("xlsx, Excel dates", "bench.xlsx", ""),
            ("csv, text dates dd/mm/yyyy HH:MM", "bench.csv", "%d/%m/%Y %H:%M"),
        ):
            raw = temp / kind.split(",")[0] / "raw"
            path = raw / "one_stop" / name
            path.parent.mkdir(parents=True)
            start = time.perf_counter()
            demo.write_printed(path, frame, TITLE, text_dates)
            lines.append(f"{kind}: built in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
            ours_s, ours_rows = best_of(args.repeat, ours, raw)
            variants = [("ours: one_stop.ingest (whole step)", ours_s, ours_rows)]
            engines = (
                [("openpyxl", "openpyxl"), ("calamine", "calamine")] if path.suffix == ".xlsx" else [("read_csv", None)]
            )
            for label, engine in engines:
                seconds, rows = best_of(args.repeat, naive, path, engine)
                variants.append((f"naive: {label} + to_datetime(mixed)", seconds, rows))
            for label, seconds, rows in variants:
                lines.append(f"  {label:<44} {seconds:7.2f} s  {rows / seconds:10,.0f} dossiers/s  ({rows:,} rows)")
            lines.append(
                f"  ratio naive ({variants[1][0].split(': ')[1].split(' +')[0]}) / ours: {variants[1][1] / ours_s:.1f}x"
            )
            lines.append("")
            print("\n".join(lines[-len(variants) - 3 :]), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
