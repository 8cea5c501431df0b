"""What do the schema checks of the store cost? Each processed table of the demo is read from Parquet and
checked against its schema (analysis.schemas) as ``store.read_table`` does; the same for a one-stop table ten
times the demo's (province scale, about 1.5 million dossiers). Median of 5 runs each.
Results: benchmarks/results/store.txt.

    .venv/bin/python benchmarks/bench_store.py [--processed DIR]   (default: ingest the demo set into a temp dir)
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.demo import write_all
from analysis.ingest import runner
from analysis.store import schemas

RESULTS = Path(__file__).resolve().parent / "results" / "store.txt"


def median_seconds(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        processed = Path(args.processed) if args.processed else Path(tmp) / "processed"
        if not args.processed:
            write_all(Path(tmp) / "raw")
            runner.run(Path(tmp) / "raw", processed)
        lines = [
            f"# bench_store.py on {platform.platform()}, pandas {pd.__version__}",
            "",
            f"{'table':<24}{'rows':>10}{'read s':>10}{'check s':>10}{'check/read':>12}",
        ]
        tables = {source: processed / f"{source}.parquet" for source in schemas.TABLES}
        for source, path in tables.items():
            if not path.exists():
                continue
            frame = pd.read_parquet(path)
            read = median_seconds(lambda path=path: pd.read_parquet(path))
            check = median_seconds(lambda source=source, frame=frame: schemas.table(source).check(frame))
            lines.append(f"{source:<24}{len(frame):>10}{read:>10.4f}{check:>10.4f}{check / read:>11.1%}")
        big = pd.concat([pd.read_parquet(tables["one_stop"])] * 10, ignore_index=True)
        big_path = Path(tmp) / "one_stop_x10.parquet"
        big.to_parquet(big_path, index=False)
        read = median_seconds(lambda: pd.read_parquet(big_path))
        check = median_seconds(lambda: schemas.ONE_STOP.check(big))
        lines.append(f"{'one_stop x10':<24}{len(big):>10}{read:>10.4f}{check:>10.4f}{check / read:>11.1%}")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
