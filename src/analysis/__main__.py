"""Command line: python -m analysis demo | ingest | indicators | template | batch.

User errors (a file that cannot be read, an unknown period, unit or notebook) print one clear message and
exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import paths

DEFAULT_PERIOD = "2024Q4"


def _cmd_demo(args: argparse.Namespace) -> int:
    from analysis.demo import write_all

    written = write_all(Path(args.out))
    print(f"Wrote {len(written)} demo file(s) under {args.out}")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.batch import runs
    from analysis.batch.workers import local_pool
    from analysis.ingest import runner

    with runs.locked([Path(args.out)]):  # not while a batch writes the same processed folder
        if args.jobs > 1 and runner.file_count(Path(args.raw)) > 1:
            with local_pool(args.jobs, warm=None) as pool:
                manifest = runner.run(Path(args.raw), Path(args.out), pool)
        else:
            manifest = runner.run(Path(args.raw), Path(args.out))
    for entry in manifest["files"]:
        print(
            f"{entry['source']:<12} {entry['file']}: read {entry['rows_read']}, ingested {entry['rows_ingested']}, "
            f"quarantined {entry['rows_quarantined']}, duplicate {entry['rows_duplicate']}"
        )
    if not manifest["files"]:
        print(f"No exports under {args.raw}: nothing ingested (python -m analysis demo writes demo data)")
    return 0


def _cmd_indicators(args: argparse.Namespace) -> int:
    from analysis import collect
    from analysis.periods import Period
    from analysis.publish import workbook

    frame = collect.all_rows(Path(args.processed), Period.parse(args.period))
    out = Path(args.out)
    workbook.write_csv(frame, out)
    print(f"Wrote {len(frame)} indicator rows to {out}")
    return 0


TEMPLATES = {"plan-progress": "analysis.ingest.plan_progress", "manual-figures": "analysis.ingest.manual_figures"}


def _cmd_template(args: argparse.Namespace) -> int:
    """An empty analyst sheet with the column titles the reader expects, in data/raw/<source>/ by default."""
    import importlib

    from analysis.ingest.analyst_sheet import write_template

    spec = importlib.import_module(TEMPLATES[args.kind]).SPEC
    out = Path(args.out) if args.out else paths.RAW / spec.source / f"mau_{spec.source}.xlsx"
    if out.exists():
        from analysis.errors import UserError

        raise UserError(f"{out} already exists; fill it in, or give another --out")
    print(f"Wrote the {args.kind} template to {write_template(spec, out)}")
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from analysis.batch.run import run_batch
    from analysis.periods import Period

    result = run_batch(
        Period.parse(args.period),
        units=args.units,
        notebooks=args.notebooks,
        jobs=args.jobs,
        raw=Path(args.raw),
        processed=Path(args.processed),
        reports=Path(args.reports),
        scheduler=args.scheduler,
        wait=args.wait,
        **({"notebooks_per_kernel": args.notebooks_per_kernel} if args.notebooks_per_kernel else {}),
    )
    return 0 if result.ok else 1


def _cmd_reports(args: argparse.Namespace) -> int:
    """What `make reports` and run_batch.bat do: the batch on the exports of data/raw, or — when it holds none —
    on the demo export set of data/demo (written first if missing). data/raw is only ever read."""
    from analysis.ingest.runner import has_exports

    if not has_exports(Path(args.raw)):
        demo = Path(args.demo)
        if not has_exports(demo):
            print(f"No exports under {args.raw}: writing the demo export set to {demo}")
            _cmd_demo(argparse.Namespace(out=demo))
        print(f"No exports under {args.raw}: using the demo exports of {demo} (reports say DEMO on every page)")
        args.raw = str(demo)
    return _cmd_batch(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis", description="Chỉ số: administrative-reform indices")
    sub = p.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the deterministic demo export set")
    demo.add_argument("--out", default=str(paths.DEMO), help="folder to write into (default data/demo)")
    demo.set_defaults(run=_cmd_demo)

    ingest = sub.add_parser("ingest", help="raw exports -> processed tables + manifest")
    ingest.add_argument("--raw", default=str(paths.RAW))
    ingest.add_argument("--out", default=str(paths.PROCESSED))
    ingest.add_argument("--jobs", type=int, default=2, help="worker processes reading files in parallel (default 2)")
    ingest.set_defaults(run=_cmd_ingest)

    ind = sub.add_parser("indicators", help="write the long-format indicators of a period to CSV")
    ind.add_argument("--processed", default=str(paths.PROCESSED))
    ind.add_argument("--period", required=True, help="2024Q1, 2024 or 2024-03")
    ind.add_argument("--out", required=True)
    ind.set_defaults(run=_cmd_indicators)

    template = sub.add_parser("template", help="write an empty analyst sheet (plan-progress, manual-figures)")
    template.add_argument("kind", choices=sorted(TEMPLATES))
    template.add_argument("--out", help="file to write (default data/raw/<source>/mau_<source>.xlsx)")
    template.set_defaults(run=_cmd_template)

    batch = sub.add_parser("batch", help="ingest, indicators and every report for a period")
    reports = sub.add_parser("reports", help="like batch; without exports in data/raw, on the demo set of data/demo")
    for command in (batch, reports):
        _batch_options(command)
    reports.add_argument(
        "--demo", default=str(paths.DEMO), help="demo export set used when --raw holds no export (default data/demo)"
    )
    batch.set_defaults(run=_cmd_batch)
    reports.set_defaults(run=_cmd_reports)
    return p


def _batch_options(batch: argparse.ArgumentParser) -> None:
    batch.add_argument("--period", default=DEFAULT_PERIOD)
    batch.add_argument("--units", nargs="+", help="unit names (default: all in data/reference/units.csv)")
    batch.add_argument("--notebooks", nargs="+", help="notebook names or numbers, e.g. 10 or 10_service_index")
    batch.add_argument("--jobs", type=int, default=2, help="parallel notebook workers (default 2)")
    batch.add_argument("--raw", default=str(paths.RAW))
    batch.add_argument("--processed", default=str(paths.PROCESSED))
    batch.add_argument("--reports", default=str(paths.REPORTS))
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the notebooks on a running dask.distributed cluster, e.g. tcp://10.0.0.5:8786 "
        "(needs the 'distributed' extra; --jobs is then the cluster's)",
    )
    batch.add_argument(
        "--notebooks-per-kernel",
        type=int,
        metavar="N",
        help="restart each worker's kernel after N notebooks (default 20; 1: a new kernel each time)",
    )
    batch.add_argument(
        "--wait", action="store_true", help="wait for another batch using the same folders instead of stopping"
    )


def main(argv: list[str] | None = None) -> int:
    from analysis.errors import UserError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the batch has stopped its workers and kept the last run
        print("interrupted: nothing published; the previous complete reports are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":  # spawn-safe entry point (Windows starts pool workers by importing __main__)
    sys.exit(main())
