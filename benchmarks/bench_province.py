"""Province scale on this machine, side by side in one run: `make bench` (full) and `make bench-quick` (1/10).

Generates (vectorised, into a temporary folder, never data/raw) a province: 100 units, 1,000,000 dossiers of
2024 as one system CSV and as one xlsx per unit, 50,000 SIPAS forms. Then runs, each step in its own
subprocess (peak memory = ru_maxrss of the step's process tree, from wait4):

- our CSV ingest (``python -m analysis ingest`` on the one CSV) and our xlsx ingest (the 100 xlsx);
- DuckDB computing the core counts (received, on time, late, online per unit and quarter) from the same CSV;
- the 100-unit batch of the service report (``batch --notebooks 10``: ingest of the CSV and the SIPAS forms,
  indicators, one report per unit) — at 1/10 scale 10 units;
- our indicators for every unit and quarter of 2024, from that batch's processed folder;
- the ten-unit city batch on the demo export set (``--jobs 2``), with the warm kernel and, for comparison in
  the same run, with a new kernel per notebook (``--notebooks-per-kernel 1``: what papermill does).

Prints a table and writes benchmarks/results.json (its "scale" says which run wrote it).

    .venv/bin/python benchmarks/bench_province.py [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
UNITS = 100
DOSSIERS = 1_000_000
FORMS = 50_000
YEAR = 2024
SEED = 766
PROCEDURES = [
    ("1.001234", "Chứng thực chữ ký", 0),
    ("2.000908", "Đăng ký kết hôn", 3),
    ("1.004227", "Đăng ký khai sinh", 1),
    ("2.002161", "Cấp giấy chứng nhận quyền sử dụng đất", 15),
    ("1.003572", "Cấp giấy phép xây dựng", 10),
    ("2.001263", "Đăng ký hộ kinh doanh", 3),
]
HEADER = [
    "MaHoSo",
    "TenDonVi",
    "MaTTHC",
    "TenTTHC",
    "KenhThucHien",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayTra",
    "TrangThaiHoSo",
]
DATE_FORMAT = "%d/%m/%Y %H:%M"


# ---------------------------------------------------------------- data (vectorised)


def province_units(reference: Path) -> list[str]:
    """The ten units of units.csv plus generated ones up to 100, appended to the bench root's units.csv."""
    import pandas as pd

    path = reference / "units.csv"
    known = pd.read_csv(path, comment="#", dtype=str)["unit"].tolist()
    extra = [f"Xã Thử Nghiệm {i:03d}" for i in range(len(known) + 1, UNITS + 1)]
    with path.open("a", encoding="utf-8") as f:
        for name in extra:
            f.write(f"\n{name},xã,{name},")
    return known + extra


def dossiers(units: list[str], n: int, rng):
    """n dossiers of YEAR: received on working hours, due after the procedure's days, ~88 % returned on time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    start = np.datetime64(f"{YEAR}-01-01T00:00", "m")
    day = rng.integers(0, 366, n)
    minute = rng.integers(7 * 60 + 30, 16 * 60 + 30, n)
    received = start + (day * 1440 + minute).astype("timedelta64[m]")
    procedure = rng.integers(0, len(PROCEDURES), n)
    days = np.array([p[2] for p in PROCEDURES])[procedure]
    due = received + (days * 1440 + np.where(days == 0, 120, 0)).astype("timedelta64[m]")
    late = rng.random(n) < 0.12
    spent = np.where(late, rng.integers(1, 10 * 1440, n), -rng.integers(0, 1440, n)) + (days * 1440)
    returned = received + np.maximum(spent, 30).astype("timedelta64[m]")
    pending = (rng.random(n) < 0.05) | (returned > np.datetime64(f"{YEAR}-12-31T23:59", "m"))
    unit = rng.integers(0, len(units), n)

    def text(values):
        return pc.strftime(pa.array(values.astype("datetime64[s]")), format=DATE_FORMAT)

    returned_text = pc.if_else(pa.array(pending), pa.scalar(None, pa.string()), text(returned))
    return pa.table(
        {
            "MaHoSo": pc.binary_join_element_wise("BENCH-", pa.array(np.arange(n).astype(str)), ""),
            "TenDonVi": pa.array(np.array(units, dtype=object)[unit]),
            "MaTTHC": pa.array(np.array([p[0] for p in PROCEDURES], dtype=object)[procedure]),
            "TenTTHC": pa.array(np.array([p[1] for p in PROCEDURES], dtype=object)[procedure]),
            "KenhThucHien": pa.array(rng.choice(["1", "2", "3"], n, p=[0.55, 0.4, 0.05])),
            "NgayTiepNhan": text(received),
            "NgayHenTra": text(due),
            "NgayTra": returned_text,
            "TrangThaiHoSo": pa.array(np.where(pending, "4", "10")),
        }
    )


def write_xlsx(path: Path, table) -> None:
    """A minimal xlsx (inline strings, one sheet) written from columns: xlsxwriter takes minutes for 1M rows."""
    import zipfile

    import numpy as np
    import pandas as pd

    columns = table.column_names
    letters = [chr(ord("A") + i) for i in range(len(columns))]
    rows = np.arange(2, table.num_rows + 2).astype(str)
    parts = [
        '<row r="1">'
        + "".join(f'<c r="{L}1" t="inlineStr"><is><t>{c}</t></is></c>' for L, c in zip(letters, columns))
        + "</row>"
    ]
    cells = None
    for letter, name in zip(letters, columns):
        values = pd.Series(table.column(name).to_numpy(zero_copy_only=False), dtype=object)
        cell = (
            f'<c r="{letter}'
            + pd.Series(rows)
            + '" t="inlineStr"><is><t>'
            + values.fillna("").astype(str)
            + "</t></is></c>"
        ).where(values.notna(), "")
        cells = cell if cells is None else cells + cell
    body = ('<row r="' + pd.Series(rows) + '">' + cells + "</row>").str.cat()
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxml'
        'formats.org/spreadsheetml/2006/main"><sheetData>' + parts[0] + body + "</sheetData></worksheet>"
    )
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/'
            f'2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="DS" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
            f'{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)


def sipas_forms(units: list[str], n: int, rng):
    """n SIPAS forms with criterion codes as headers and answers 1-5 (some no-opinion 0)."""
    import numpy as np
    import pandas as pd

    codes = pd.read_csv(REPO / "data" / "reference" / "sipas" / "questionnaire.csv", comment="#", dtype=str)[
        "code"
    ].tolist()
    day = rng.integers(0, 366, n).astype("timedelta64[D]")
    frame = pd.DataFrame(
        {
            "MaPhieu": [f"SP-{i:06d}" for i in range(n)],
            "TenDonVi": np.array(units, dtype=object)[rng.integers(0, len(units), n)],
            "Ngày khảo sát": pd.Series(np.datetime64(f"{YEAR}-01-01") + day).dt.strftime("%d/%m/%Y"),
            "KenhThucHien": rng.choice(["1", "2", "3"], n, p=[0.6, 0.35, 0.05]),
        }
    )
    for code in codes:
        frame[code] = rng.choice(["1", "2", "3", "4", "5", "0"], n, p=[0.02, 0.04, 0.08, 0.46, 0.38, 0.02])
    return frame


def step_generate(work: Path) -> dict:
    """The bench root (CHISO_ROOT: reference with 100 units, the notebooks) and the raw folders."""
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    scale = float((work / "scale").read_text())
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    root = work / "root"
    shutil.copytree(REPO / "data" / "reference", root / "data" / "reference")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    units = province_units(root / "data" / "reference")
    (work / "units.txt").write_text("\n".join(units), encoding="utf-8")
    table = dossiers(units, int(DOSSIERS * scale), rng)
    csv_raw = work / "raw_csv" / "one_stop"
    csv_raw.mkdir(parents=True)
    pacsv.write_csv(table, csv_raw / "province.csv", pacsv.WriteOptions(quoting_style="needed"))
    xlsx_raw = work / "raw_xlsx" / "one_stop"
    xlsx_raw.mkdir(parents=True)
    unit_index = pc.dictionary_encode(table.column("TenDonVi")).combine_chunks()
    for i, name in enumerate(unit_index.dictionary.to_pylist()):
        part = table.filter(pc.equal(table.column("TenDonVi"), name))
        write_xlsx(xlsx_raw / f"unit_{i:03d}.xlsx", part)
    province_raw = work / "raw_province"
    (province_raw / "one_stop").mkdir(parents=True)
    os.link(csv_raw / "province.csv", province_raw / "one_stop" / "province.csv")
    (province_raw / "sipas").mkdir()
    sipas_forms(units, int(FORMS * scale), rng).to_csv(
        province_raw / "sipas" / "sipas.csv", index=False, encoding="utf-8"
    )
    from analysis.demo import write_all  # the city batch's input: the demo export set of the ten units

    write_all(work / "raw_demo")
    return {
        "seconds": time.perf_counter() - started,
        "dossiers": table.num_rows,
        "units": len(units),
        "csv_mb": (csv_raw / "province.csv").stat().st_size / 1e6,
    }


# ---------------------------------------------------------------- steps (each in its own process)


def step_duckdb(work: Path) -> dict:
    import duckdb
    import pyarrow.compute as pc

    started = time.perf_counter()
    counts = duckdb.sql(f"""
        with d as (
          select TenDonVi as unit, KenhThucHien as channel,
                 strptime(NgayTiepNhan, '{DATE_FORMAT}') as received,
                 strptime(NgayHenTra, '{DATE_FORMAT}') as due,
                 strptime(NgayTra, '{DATE_FORMAT}') as returned
          from read_csv('{work / "raw_csv" / "one_stop" / "province.csv"}', all_varchar = true))
        select unit, quarter(received) as quarter, count(*) as received,
               count(*) filter (returned is not null and returned <= due) as on_time,
               count(*) filter (returned is not null and returned > due) as late,
               count(*) filter (channel = '2') as online
        from d group by all order by all""").fetch_arrow_table()
    return {
        "seconds": time.perf_counter() - started,
        "rows": counts.num_rows,
        "received": int(pc.sum(counts.column("received")).as_py()),
    }


def step_indicators(work: Path) -> dict:
    from analysis import collect
    from analysis.periods import Period

    processed = work / "processed_province"
    started = time.perf_counter()
    rows = sum(len(collect.all_rows(processed, Period.parse(f"{YEAR}Q{q}"))) for q in range(1, 5))
    return {"seconds": time.perf_counter() - started, "rows": rows}


STEPS = {"generate": step_generate, "duckdb": step_duckdb, "indicators": step_indicators}


def run_step(argv: list[str], env: dict, log: Path, allowed: tuple[int, ...] = (0,)) -> dict:
    """Run a command, wait4 for its rusage: seconds (wall), peak RSS of its largest process, its JSON line.

    This process stays small (no pandas, no data): on Linux a child's ru_maxrss starts from its parent's size
    at fork, exec or not."""
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    text = log.read_text(encoding="utf-8")
    if process.returncode not in allowed:
        raise SystemExit(f"step failed ({process.returncode}): {' '.join(argv)}\n{text[-3000:]}")
    result = {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "exit": process.returncode}  # kB on Linux
    last = text.strip().splitlines()[-1] if text.strip() else ""
    if last.startswith("{"):
        result.update(json.loads(last))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/10 scale (make bench-quick)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](Path(args.work))))
        return
    scale = 0.1 if args.quick else 1.0
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="chiso-bench-"))
    try:
        results = bench(work, scale)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["machine"] = machine(load_start)
    target = HERE / "results.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"written: {target}")


def bench(work: Path, scale: float) -> dict:
    py = sys.executable
    print(f"Generating the province at scale {scale} in {work} …", flush=True)
    (work / "scale").write_text(str(scale))
    generated = run_step(
        [py, __file__, "--step", "generate", "--work", str(work)], dict(os.environ), work / "generate.log"
    )
    print(
        f"  {generated['dossiers']:,} dossiers, {generated['units']} units, CSV {generated['csv_mb']:.0f} MB, "
        f"in {generated['seconds']:.1f} s",
        flush=True,
    )
    root_env = {**os.environ, "CHISO_ROOT": str(work / "root"), "PYTHONUTF8": "1"}
    repo_env = {**os.environ, "PYTHONUTF8": "1"}
    cli = [py, "-m", "analysis"]
    province_units = UNITS if scale >= 1 else int(UNITS * scale)
    unit_names = (work / "units.txt").read_text(encoding="utf-8").splitlines()[:province_units]
    steps = {}

    def step(name: str, argv: list[str], env: dict) -> dict:
        print(f"- {name} …", flush=True)
        # a batch exits 1 when a report failed: measured all the same, failures counted below
        steps[name] = run_step(argv, env, work / f"{name}.log", allowed=(0, 1) if "batch" in argv else (0,))
        print(f"  {steps[name]['wall_s']:.1f} s, peak {steps[name]['peak_rss_mb']:.0f} MB", flush=True)
        return steps[name]

    step("ingest_csv", cli + ["ingest", "--raw", str(work / "raw_csv"), "--out", str(work / "p_csv")], root_env)
    step("ingest_xlsx", cli + ["ingest", "--raw", str(work / "raw_xlsx"), "--out", str(work / "p_xlsx")], root_env)
    step(
        "ingest_xlsx_one_process",
        cli + ["ingest", "--jobs", "1", "--raw", str(work / "raw_xlsx"), "--out", str(work / "p_xlsx1")],
        root_env,
    )
    step("duckdb", [py, __file__, "--step", "duckdb", "--work", str(work)], root_env)
    step(
        "province_batch",
        cli
        + [
            "batch",
            "--period",
            f"{YEAR}Q4",
            "--notebooks",
            "10",
            "--jobs",
            "2",
            "--units",
            *unit_names,
            "--raw",
            str(work / "raw_province"),
            "--processed",
            str(work / "processed_province"),
            "--reports",
            str(work / "reports_province"),
        ],
        root_env,
    )
    step("indicators", [py, __file__, "--step", "indicators", "--work", str(work)], root_env)
    city = ["batch", "--period", f"{YEAR}Q4", "--jobs", "2", "--raw", str(work / "raw_demo")]
    step("city_batch", cli + city + ["--processed", str(work / "p_city"), "--reports", str(work / "r_city")], repo_env)
    step(
        "city_batch_kernel_per_notebook",
        cli
        + city
        + ["--processed", str(work / "p_city1"), "--reports", str(work / "r_city1"), "--notebooks-per-kernel", "1"],
        repo_env,
    )
    notebooks = {
        name: _notebooks(work / folder, ok=None)
        for name, folder in (
            ("province_batch", "reports_province"),
            ("city_batch", "r_city"),
            ("city_batch_kernel_per_notebook", "r_city1"),
        )
    }
    rows = generated["dossiers"]
    ingest_csv = steps["ingest_csv"]["wall_s"]
    indicators = steps["indicators"]["seconds"]
    duck = steps["duckdb"]["seconds"]
    per_million = 1_000_000 / rows
    return {
        "scale": scale,
        "dossiers": rows,
        "units": generated["units"],
        "survey_forms": int(FORMS * scale),
        "generate_s": round(generated["seconds"], 2),
        "ingest_csv_1m_s": round(ingest_csv * per_million, 2),
        "indicators_1m_s": round(indicators * per_million, 2),
        "duckdb_1m_s": round(duck * per_million, 3),
        "ratio_vs_duckdb": round((ingest_csv + indicators) / duck, 1),
        "ingest_xlsx_rows_per_s": round(rows / steps["ingest_xlsx"]["wall_s"]),
        "ingest_xlsx_rows_per_s_one_process": round(rows / steps["ingest_xlsx_one_process"]["wall_s"]),
        "city_batch_s": round(steps["city_batch"]["wall_s"], 1),
        "city_batch_kernel_per_notebook_s": round(steps["city_batch_kernel_per_notebook"]["wall_s"], 1),
        "province_batch_s": round(steps["province_batch"]["wall_s"], 1),
        "province_batch_units": province_units,
        "notebooks_run": sum(notebooks.values()),
        "notebooks_per_batch": notebooks,
        "notebooks_failed": {
            name: _notebooks(work / folder, ok=False)
            for name, folder in (
                ("province_batch", "reports_province"),
                ("city_batch", "r_city"),
                ("city_batch_kernel_per_notebook", "r_city1"),
            )
        },
        "peak_rss_mb": round(max(s["peak_rss_mb"] for s in steps.values())),
        "steps": {
            name: {k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()} for name, s in steps.items()
        },
        "note": (
            "*_1m_s are measured at this scale and scaled linearly to 1,000,000 dossiers; ingest_csv_1m_s is "
            "the whole `python -m analysis ingest` (process start, imports, parquet write); duckdb_1m_s is "
            "the query alone, in process; the city batch with one kernel per notebook is papermill's way."
        ),
    }


def _notebooks(reports: Path, ok: bool | None) -> int:
    """Reports of the batch's published run (all, or only those that passed / failed)."""
    return sum(
        1
        for m in reports.glob("*/manifest.json")
        for r in json.loads(m.read_text(encoding="utf-8"))["reports"]
        if ok is None or r["ok"] == ok
    )


def machine(load_start: tuple[float, float, float]) -> dict:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cores": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            n: version(n)
            for n in (
                "chiso-analysis",
                "pandas",
                "pyarrow",
                "python-calamine",
                "duckdb",
                "papermill",
                "nbclient",
                "jupyter_client",
                "ipykernel",
            )
        },
    }


def table(results: dict) -> str:
    s = results["steps"]
    lines = [
        f"Province benchmark, scale {results['scale']} ({results['dossiers']:,} dossiers, {results['units']} "
        f"units, {results['survey_forms']:,} survey forms); {results['machine']['cores']} cores, load "
        f"{results['machine']['load_average_start'][0]} at start, {results['machine']['load_average_end'][0]} "
        "at end",
        "",
        f"{'step':<44}{'seconds':>10}{'peak MB':>10}",
        "-" * 64,
    ]
    labels = {
        "ingest_csv": "ingest, one CSV (CLI)",
        "ingest_xlsx": "ingest, one xlsx per unit (CLI, 2 processes)",
        "ingest_xlsx_one_process": "the same, --jobs 1",
        "duckdb": "DuckDB core counts from the CSV (query)",
        "indicators": "indicators, every unit × 4 quarters",
        "province_batch": f"batch of the service report, {results['province_batch_units']} units",
        "city_batch": "city batch, 10 units, warm kernel",
        "city_batch_kernel_per_notebook": "city batch, kernel per notebook (papermill)",
    }
    for name, label in labels.items():
        seconds = s[name].get("seconds", s[name]["wall_s"])
        lines.append(f"{label:<44}{seconds:>10.2f}{s[name]['peak_rss_mb']:>10.0f}")
    lines += [
        "",
        f"per 1,000,000 dossiers: ingest {results['ingest_csv_1m_s']} s + indicators "
        f"{results['indicators_1m_s']} s vs DuckDB {results['duckdb_1m_s']} s → ratio "
        f"{results['ratio_vs_duckdb']}× (target ≤ 1.5×)",
        f"xlsx ingest: {results['ingest_xlsx_rows_per_s']:,} rows/s, "
        f"{results['ingest_xlsx_rows_per_s_one_process']:,} with one process (target ≥ 50,000)",
        f"city batch: {results['city_batch_s']} s warm vs {results['city_batch_kernel_per_notebook_s']} s "
        f"kernel per notebook (target ≤ 45 s); province batch {results['province_batch_s']} s "
        "(target ≤ 300 s at 100 units)",
        f"notebooks run: {results['notebooks_run']}; peak RSS {results['peak_rss_mb']} MB",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
