"""Small sheets analysts fill in by hand (plan_progress, manual_figures): one reader for all of them.

A source describes itself with a ``SheetSpec`` — its fields with their Vietnamese titles and spellings, which
are required, how each is read, the key one row stands for — and gets the ingest contract: every row ingested,
quarantined with a reason (file, row, column, value), or counted as a duplicate; unit names mapped through
units.csv (an unknown one is quoted masked, as it may be a person's name); free text with ID numbers, phone
numbers or e-mail addresses masked and counted in the file's notes; a template written with the same titles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.ingest.accounting import FileAccount, SourceResult, is_demo_file, quarantine_frame, relative_name, settle
from analysis.ingest.par import parse_as_of
from analysis.readers.cells import text_column
from analysis.readers.files import list_files, sha256
from analysis.readers.headers import AliasTable, locate_table
from analysis.readers.records import records_under
from analysis.readers.scrub import scrub_result, unknown_values
from analysis.reference import units
from analysis.reference.par import parse_points

# Parser: raw cells -> (typed values, bad cells, reason for a bad cell).
Parser = Callable[[pd.Series], tuple[pd.Series, pd.Series]]


@dataclass(frozen=True)
class Field:
    name: str
    title: str  # the template's column title, Vietnamese
    spellings: tuple[str, ...] = ()  # other headers read as this field
    parse: Parser | None = None  # None: text
    required: bool = False


@dataclass(frozen=True)
class SheetSpec:
    source: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # one row per key; same key, other values -> every such row quarantined
    checks: Callable[[pd.DataFrame], list[tuple[pd.Series, str, str]]] = field(default=lambda f: [])
    instructions: tuple[str, ...] = ()

    @property
    def aliases(self) -> AliasTable:
        return AliasTable({}).extended(((f.name, s) for f in self.fields for s in (f.title, *f.spellings)), self.source)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def title(self, name: str) -> str:
        return next(f.title for f in self.fields if f.name == name)


def parse_quarter(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ "2024Q4", "Quý IV/2024", "Q4/2024" or a date -> "2024Q4"."""
    if values.empty:  # a template not yet filled in
        return pd.Series([], index=values.index, dtype="string"), pd.Series([], index=values.index, dtype=bool)
    ends, bad = parse_as_of(values)
    label = (
        ends.dt.year.astype("Int64").astype("string")
        + "Q"
        + ((ends.dt.month - 1) // 3 + 1).astype("Int64").astype("string")
    )
    return label, bad


# Columns every analysts' sheet has: who reports, for which quarter, on what evidence.
UNIT = Field("unit", "Đơn vị", ("Phường/xã", "Đơn vị báo cáo"), required=True)
QUARTER = Field("period", "Quý", ("Kỳ báo cáo", "Kỳ"), parse_quarter, required=True)
EVIDENCE = Field("evidence", "Văn bản chứng minh", ("Số, ngày văn bản", "Minh chứng"))
NOTE = Field("note", "Ghi chú", ())


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    number, bad = parse_points(values)
    return number, bad | (number < 0).fillna(False)


def parse_choice(choices: dict[str, str]) -> Parser:
    """Cells matched without case or accents against ``choices`` (folded spelling -> code)."""
    from analysis.text import fold

    def parse(values: pd.Series) -> tuple[pd.Series, pd.Series]:
        text = text_column(values)
        codes = text.map(lambda t: choices.get(fold(t)) if isinstance(t, str) else None).astype("string")
        return codes, text.notna() & codes.isna()

    return parse


def read_file(path: Path, raw_dir: Path, spec: SheetSpec) -> tuple[pd.DataFrame, FileAccount]:
    """Every row of one sheet, typed, with ``reason`` set on the rows to quarantine."""
    label = relative_name(path, raw_dir)
    sheet, header = locate_table(path, spec.aliases, [f.name for f in spec.fields if f.required], label)
    records = records_under(sheet, header)
    raw = records.frame
    account = FileAccount(
        file=label,
        source=spec.source,
        sheet=sheet.name,
        header_row=header.row + 1,
        sha256=sha256(path),
        demo=is_demo_file(path),
        rows_read=len(raw),
        lines_skipped=records.lines_skipped,
        unknown_columns=header.unknown,
        columns={header.labels[p]: f for p, f in header.columns.items() if p in header.labels},
    )
    frame = pd.DataFrame(index=raw.index)
    written = pd.DataFrame(index=raw.index)
    checks: list[tuple[pd.Series, str, object]] = []
    for f in spec.fields:
        cells = raw[f.name] if f.name in raw else pd.Series(None, index=raw.index, dtype=object)
        written[f.name] = text_column(cells)
        if f.parse is None:
            frame[f.name] = written[f.name]
        else:
            frame[f.name], bad = f.parse(cells)
            checks.append((bad, f.name, f"{f.title} không đọc được: '" + written[f.name].fillna("") + "'"))
        if f.required:
            checks.append((written[f.name].isna(), f.name, f"thiếu {f.title}"))
    if "unit" in frame:
        frame["unit"] = units.canonical(frame["unit"])
        known = {u.unit for u in units.all_units()}
        unknown = frame["unit"].notna() & ~frame["unit"].isin(known)
        checks.append((unknown, "unit", "đơn vị không có trong units.csv: '" + unknown_values(frame["unit"]) + "'"))
        written["unit"] = written["unit"].where(~unknown, unknown_values(frame["unit"]))
        frame["unit"] = frame["unit"].where(~unknown, written["unit"])  # quarantined: never quoted in full
    checks += spec.checks(frame)
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    column = pd.Series(pd.NA, index=raw.index, dtype="string")
    for failed, name, text in checks:
        fresh = failed.fillna(False).astype(bool) & reason.isna()
        reason[fresh] = text[fresh] if isinstance(text, pd.Series) else text
        column[fresh] = name
    frame["reason"], frame["q_column"] = reason, column
    frame["q_value"] = pd.Series(
        [written.at[i, c] if isinstance(c, str) else pd.NA for i, c in column.items()], index=raw.index, dtype="string"
    )
    frame["source_file"], frame["sheet"], frame["source_row"] = label, sheet.name, raw["source_row"]
    return frame, account


def mark_repeats(frame: pd.DataFrame, spec: SheetSpec) -> pd.DataFrame:
    """Same key and same values: all but the first are duplicates; same key, other values: all quarantined."""
    frame = frame.assign(duplicate=False)
    clean = frame[frame["reason"].isna()]
    values = [c for c in spec.columns if c not in spec.key]
    variants = clean.drop_duplicates(spec.columns).groupby(list(spec.key)).size()
    conflicted = clean.set_index(list(spec.key)).index.isin(variants[variants > 1].index)
    rows = clean[conflicted]
    if len(rows):
        frame.loc[rows.index, "reason"] = (
            "cùng "
            + ", ".join(spec.title(k) for k in spec.key)
            + " nhưng khác "
            + ", ".join(spec.title(v) for v in values[:3])
            + " ở dòng khác"
        )
        frame.loc[rows.index, "q_column"] = spec.key[-1]
    repeated = clean[~conflicted].duplicated(spec.columns)
    frame.loc[repeated[repeated].index, "duplicate"] = True
    return frame


def ingest(raw_dir: Path, spec: SheetSpec) -> SourceResult | None:
    """Every sheet under ``<raw_dir>/<source>/``; None when there is none."""
    files = list_files(Path(raw_dir) / spec.source)
    if not files:
        return None
    parts = [read_file(path, Path(raw_dir), spec) for path in files]
    frame = mark_repeats(pd.concat([p[0] for p in parts], ignore_index=True), spec)
    held = frame["reason"].notna()
    titles = {f.name: f.title for f in spec.fields}
    rows = frame[held]
    quarantine = quarantine_frame(
        pd.DataFrame(
            {
                "source": spec.source,
                "file": rows["source_file"],
                "sheet": rows["sheet"],
                "row": rows["source_row"],
                "record_id": pd.Series(
                    [
                        " · ".join(map(str, key))
                        for key in rows[list(spec.key)].astype("string").fillna("").itertuples(index=False)
                    ],
                    index=rows.index,
                    dtype="string",
                ),
                "column": rows["q_column"].map(titles),
                "value": rows["q_value"],
                "reason": rows["reason"],
            }
        )
    )
    table = frame.loc[~held & ~frame["duplicate"], [*spec.columns, "source_file", "source_row"]]
    table = table.astype({"source_file": "string", "source_row": "int64"}).reset_index(drop=True)
    accounts = [p[1] for p in parts]
    settle(accounts, frame["source_file"], held, frame["duplicate"])
    result = SourceResult(spec.source, table, quarantine, accounts)
    scrub_result(result)
    return result


def write_template(spec: SheetSpec, path: Path, examples: list[dict] | None = None) -> Path:
    """An xlsx with the source's column titles (and example rows, if given) and a sheet of instructions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(examples or [], columns=spec.columns).rename(
        columns=dict((f.name, f.title) for f in spec.fields)
    )
    notes = pd.DataFrame(
        {
            "Hướng dẫn": list(spec.instructions)
            + [
                f"Cột bắt buộc: {', '.join(f.title for f in spec.fields if f.required)}.",
                "Không ghi họ tên, số điện thoại, số định danh của người dân vào ghi chú.",
            ]
        }
    )
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}) as w:
        table.to_excel(w, sheet_name="so_lieu", index=False)
        notes.to_excel(w, sheet_name="huong_dan", index=False)
        w.sheets["so_lieu"].set_column(0, len(table.columns) - 1, 22)
        w.sheets["huong_dan"].set_column(0, 0, 110)
    return path
