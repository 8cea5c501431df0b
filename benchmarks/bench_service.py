"""How fast is service_rows at province scale? 1,000,000 synthetic dossiers of 100 units over 2023-2024.

Side by side: one vectorised call for all units, and a naive loop calling it once per unit (what a caller
that filters unit by unit would do). Both must give the same rows. Results: benchmarks/results/service.txt.

    .venv/bin/python benchmarks/bench_service.py [--rows 1000000] [--units 100]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.indicators.service import service_rows
from analysis.periods import Period
from analysis.reference.service import ServiceSettings

FIELDS = {
    "Chứng thực": ["Chứng thực bản sao từ bản chính", "Chứng thực chữ ký"],
    "Hộ tịch": ["Đăng ký khai sinh", "Đăng ký kết hôn", "Trích lục hộ tịch"],
    "Đất đai": ["Xác nhận tình trạng đất"],
    "Bảo trợ xã hội": ["Trợ cấp xã hội hằng tháng"],
}
RATINGS = np.array(["very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"])


def synthetic_dossiers(rows: int, units: int, seed: int = 7) -> pd.DataFrame:
    """Dossiers received over 2023-2024 with realistic shapes: a due date 0-15 days after receipt, most
    finished before it, some late, some still open, a few withdrawn or refused, optional columns filled."""
    rng = np.random.default_rng(seed)
    procedures = [(f, p) for f, names in FIELDS.items() for p in names]
    pick = rng.integers(0, len(procedures), rows)
    start = np.datetime64("2023-01-01T07:00", "m")
    received = start + rng.integers(0, 730 * 24 * 60, rows).astype("timedelta64[m]")
    due = received.astype("datetime64[D]") + rng.integers(0, 16, rows).astype("timedelta64[D]")
    finished = received + (rng.gamma(2.0, 3.0, rows) * 24 * 60).astype("int64").astype("timedelta64[m]")
    returned = finished + rng.integers(0, 3 * 24 * 60, rows).astype("timedelta64[m]")
    status = rng.choice([10, 9, 4, 5, 7, 8, 3], rows, p=[0.82, 0.04, 0.05, 0.03, 0.02, 0.01, 0.03])
    open_ = np.isin(status, (4, 5))
    finished = np.where(open_, np.datetime64("NaT"), finished)
    returned = np.where(status == 10, returned, np.datetime64("NaT"))
    fee = rng.random(rows) < 0.4

    def flags(p: float) -> pd.Series:
        return pd.Series(rng.random(rows) < p, dtype="boolean")

    return pd.DataFrame(
        {
            "dossier_id": pd.Series(np.char.add("HS-", np.arange(rows).astype(str)), dtype="string"),
            "unit": pd.Series(np.char.add("Đơn vị ", (np.arange(rows) % units).astype(str)), dtype="string"),
            "procedure_code": pd.Series(np.char.add("TT", pick.astype(str)), dtype="string"),
            "procedure_name": pd.Series([procedures[i][1] for i in range(len(procedures))], dtype="string")
            .take(pick)
            .reset_index(drop=True),
            "field": pd.Series([procedures[i][0] for i in range(len(procedures))], dtype="string")
            .take(pick)
            .reset_index(drop=True),
            "channel": pd.Series(rng.choice(["direct", "online", "post"], rows, p=[0.5, 0.45, 0.05]), dtype="string"),
            "received_at": pd.Series(received).astype("datetime64[us]"),
            "due_at": pd.Series(due).astype("datetime64[us]"),
            "finished_at": pd.Series(finished).astype("datetime64[us]"),
            "returned_at": pd.Series(returned).astype("datetime64[us]"),
            "status_code": pd.Series(status, dtype="Int8"),
            "paid_online": pd.Series(fee & (rng.random(rows) < 0.6), dtype="boolean"),
            "apology_issued": flags(0.5),
            "supplement_requests": pd.Series(rng.integers(0, 2, rows), dtype="Int16"),
            "digitised": flags(0.7),
            "e_result": flags(0.8),
            "data_reused": flags(0.3),
            "fee_required": pd.Series(fee, dtype="boolean"),
            "rating": pd.Series(rng.choice(RATINGS, rows, p=[0.3, 0.5, 0.12, 0.05, 0.03]), dtype="string"),
            "complaint": flags(0.01),
            "source_file": pd.Series("synthetic.csv", index=range(rows), dtype="string"),
            "source_row": pd.Series(np.arange(rows) + 2, dtype="int64"),
        }
    )


def timed(function, *args, repeat: int = 3, **kwargs) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function(*args, **kwargs)
        best = min(best, time.perf_counter() - began)
    return best, result


def per_unit_loop(dossiers: pd.DataFrame, period: Period, settings: ServiceSettings) -> pd.DataFrame:
    parts = [service_rows(group, period, settings=settings) for _, group in dossiers.groupby("unit", sort=True)]
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "service.txt"))
    args = parser.parse_args()
    settings = ServiceSettings.from_reference()
    period = Period.parse("2024Q1")

    began = time.perf_counter()
    dossiers = synthetic_dossiers(args.rows, args.units)
    made = time.perf_counter() - began
    vectorised, rows = timed(service_rows, dossiers, period, settings=settings)
    looped, loop_rows = timed(per_unit_loop, dossiers, period, settings, repeat=1)
    pd.testing.assert_frame_equal(rows, loop_rows)

    lines = [
        f"service_rows on {args.rows:,} synthetic dossiers, {args.units} units, period {period} "
        f"(+ baseline 2023Q1); best of 3",
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
        f"pandas {pd.__version__}, numpy {np.__version__}",
        f"synthetic data built in {made:.2f} s",
        f"vectorised, all units in one call : {vectorised:6.2f} s  ({len(rows):,} long rows)",
        f"naive loop, one call per unit     : {looped:6.2f} s  (same rows: checked)",
        f"speed-up                          : {looped / vectorised:6.1f} x",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
