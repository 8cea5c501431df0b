"""PAR INDEX scores (``<raw>/par_index/*.xlsx|xls|csv``): one row per unit, year, as-of date and criterion.

Columns are found through ``data/reference/par/score_aliases.csv``: unit, year, code (required), self-assessed
and/or appraised points, and optionally the as-of date or quarter of a self-assessment ("Quý I/2024",
"2024Q1", a date), the maximum, the criterion's name and the evidence note. Files may hold leaves only or
leaves with subtotals; subtotals are kept for checking, the analysis sums the leaves.

What happens to bad input (also in data/reference/par/README.md):
- quarantined row, with a reason naming the column and value: no unit, year or code; a year without a
  criteria set; a code not in that year's set; points that are not a number, negative or above the
  criterion's maximum; an unreadable as-of date; the same unit, year, date and code with different points
  (every such row, in every file);
- counted once as a duplicate: the same unit, year, date and code with the same points;
- kept and listed by ``par_checks.issues`` (validation table, and notes on the file in the manifest): a leaf
  missing from an assessment, a subtotal that is not the sum of its leaves, a maximum that differs from the
  criteria set, appraised points missing on some leaves.
A file that cannot be used at all (no header, no points column) stops ingest with an IngestError.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.errors import IngestError
from analysis.fmt import compact_series
from analysis.ingest.accounting import FileAccount, SourceResult, is_demo_file, quarantine_frame, relative_name, settle
from analysis.ingest.par_checks import NO_DATE, issues, record_id
from analysis.readers.cells import text_column
from analysis.readers.dates import parse_dates
from analysis.readers.files import list_files, sha256
from analysis.readers.headers import AliasTable, locate_table
from analysis.readers.records import records_under
from analysis.readers.scrub import mask_unknown, quoted, scrub_result
from analysis.reference import units
from analysis.reference.par import parse_points, read_sets, score_aliases
from analysis.reference.par_tree import CriteriaSet
from analysis.store.schemas import PAR_INDEX
from analysis.text import fold

SOURCE = "par_index"
REQUIRED = ("unit", "year", "code")
POINT_COLUMNS = ("self_points", "appraised_points")
NUMBER_COLUMNS = (*POINT_COLUMNS, "file_max_points")
TABLE_COLUMNS = list(PAR_INDEX.columns)  # the processed table, declared in analysis.schemas
COLUMN_VI = {
    "unit": "Đơn vị",
    "year": "Năm",
    "as_of": "Kỳ đánh giá",
    "code": "Mã tiêu chí",
    "self_points": "Điểm tự đánh giá",
    "appraised_points": "Điểm thẩm định",
    "file_max_points": "Điểm tối đa",
}
_QUARTER = re.compile(r"^(?:quy|q)(iv|iii|ii|i|[1-4])(?:nam)?(\d{4})$")
_QUARTER_ISO = re.compile(r"^(\d{4})q([1-4])$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_as_of(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Quarters ("Quý I/2024", "Q1/2024", "2024Q1") -> the quarter's last day; other cells as dates."""
    folded = values.map(lambda c: fold(c) if isinstance(c, str) else "")
    vi, iso = folded.str.extract(_QUARTER), folded.str.extract(_QUARTER_ISO)
    year = pd.to_numeric(vi[1].fillna(iso[0]), errors="coerce")
    quarter = vi[0].map(_ROMAN).fillna(pd.to_numeric(iso[1], errors="coerce"))
    is_quarter = year.notna() & quarter.notna()
    dates, bad = parse_dates(values[~is_quarter])
    ends = pd.to_datetime(pd.DataFrame({"year": year[is_quarter], "month": quarter[is_quarter] * 3, "day": 1}))
    ends = (ends + pd.offsets.MonthEnd(0)).astype("datetime64[us]")
    return pd.concat([dates, ends]).reindex(values.index).dt.normalize(), bad.reindex(values.index, fill_value=False)


def parse_year(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ "2023", 2023, "Năm 2023" -> 2023; blank -> NA; anything without a four-digit year is bad."""
    text = text_column(values)
    year = pd.to_numeric(text.str.extract(r"(?<!\d)((?:19|20)\d{2})(?!\d)")[0], errors="coerce").astype("Int64")
    return year, (text.notna() & year.isna()).astype(bool)


def _first_reason(frame: pd.DataFrame, checks: list[tuple[pd.Series, str, str]]) -> pd.DataFrame:
    """Columns ``column`` and ``reason`` of each row's first failed check (NA when it passes them all)."""
    column = pd.Series(pd.NA, index=frame.index, dtype="string")
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    for failed, name, text in checks:
        fresh = failed.fillna(False).astype(bool) & reason.isna()
        column[fresh], reason[fresh] = name, text[fresh] if isinstance(text, pd.Series) else text
    return pd.DataFrame({"q_column": column, "reason": reason})


def parse_records(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Raw cells (fields of score_aliases.csv, max_points renamed file_max_points) -> typed columns, and the
    cells that could not be read, per column."""
    blank = pd.Series(None, index=raw.index, dtype=object)
    frame = pd.DataFrame(
        {
            "unit": mask_unknown(units.canonical(text_column(raw["unit"])), units.known_names()),
            "code": text_column(raw["code"]).str.replace(r"[\s.]+$", "", regex=True).str.replace(" ", "", regex=False),
            "name": text_column(raw.get("name", blank)),
            "evidence": text_column(raw.get("evidence", blank)),
        }
    )
    bad = {}
    frame["year"], bad["year"] = parse_year(raw["year"])
    frame["as_of"], bad["as_of"] = parse_as_of(raw.get("as_of", blank))
    frame["year"] = frame["year"].fillna(frame["as_of"].dt.year.astype("Int64"))
    for column in NUMBER_COLUMNS:
        frame[column], bad[column] = parse_points(raw.get(column, blank))
    return frame, bad


def in_set(frame: pd.DataFrame, sets: dict[int, CriteriaSet], column: str) -> pd.Series:
    """``column`` of each row's criterion in its year's set (NA for an unknown year or code)."""
    known = pd.concat([c.tree.assign(year=y)[["year", "code", column]] for y, c in sets.items()])
    found = frame[["year", "code"]].merge(known.astype({"year": "Int64"}), how="left", on=["year", "code"])
    return found[column].set_axis(frame.index)


def quarantine_reasons(
    frame: pd.DataFrame, bad: dict[str, pd.Series], written: pd.DataFrame, sets: dict[int, CriteriaSet]
) -> pd.DataFrame:
    """q_column and reason of each row's first fault (NA for a usable row); ``written`` = the cells as text."""
    top = in_set(frame, sets, "max_points")
    known_years = frame["year"].isin(list(sets))
    year_text = frame["year"].astype("string").fillna("")
    checks = [
        (frame["unit"].isna(), "unit", "không có tên đơn vị"),
        (bad["year"], "year", "năm không đọc được: " + written["year"]),
        (frame["year"].isna() & ~bad["year"], "year", "không có năm đánh giá"),
        (bad["as_of"], "as_of", "kỳ đánh giá không đọc được: " + written["as_of"]),
        (frame["code"].isna(), "code", "không có mã tiêu chí"),
        (frame["year"].notna() & ~known_years, "year", "không có bộ tiêu chí cho năm " + year_text),
        (
            known_years & top.isna() & frame["code"].notna(),
            "code",
            "mã tiêu chí " + frame["code"].fillna("") + " không có trong bộ tiêu chí năm " + year_text,
        ),
    ]
    for column in NUMBER_COLUMNS:
        checks.append((bad[column], column, f"{COLUMN_VI[column]} không phải là số: " + written[column]))
        checks.append((frame[column] < 0, column, f"{COLUMN_VI[column]} âm: " + written[column]))
    for column in POINT_COLUMNS:
        checks.append(
            (
                frame[column] > top + 1e-9,
                column,
                f"{COLUMN_VI[column]} "
                + written[column]
                + " vượt điểm tối đa "
                + compact_series(top).fillna("")
                + " của tiêu chí "
                + frame["code"],
            )
        )
    return _first_reason(frame, checks)


def read_file(
    path: Path, raw_dir: Path, table_aliases: AliasTable, sets: dict[int, CriteriaSet]
) -> tuple[pd.DataFrame, FileAccount]:
    """Every record of one file, parsed, with ``reason`` set on the rows to quarantine."""
    sheet, header = locate_table(path, table_aliases, REQUIRED)
    if not set(header.columns.values()) & set(POINT_COLUMNS):
        raise IngestError(f"{path.name}: no points column (expected 'Điểm tự đánh giá' or 'Điểm thẩm định')")
    records = records_under(sheet, header)
    raw = records.frame.rename(columns={"max_points": "file_max_points"})
    frame, bad = parse_records(raw)
    blank = pd.Series(None, index=raw.index, dtype=object)
    written = pd.DataFrame({c: quoted(text_column(raw.get(c, blank))) for c in (*REQUIRED, "as_of", *NUMBER_COLUMNS)})
    frame = pd.concat([frame, quarantine_reasons(frame, bad, written.fillna(""), sets)], axis=1)
    frame["q_value"] = _written_values(written, frame["q_column"])
    frame["is_leaf"] = in_set(frame, sets, "is_leaf").astype("boolean")
    frame["source_file"] = relative_name(path, raw_dir)
    frame["sheet"] = sheet.name
    frame["source_row"] = raw["source_row"]
    account = FileAccount(
        file=relative_name(path, raw_dir),
        source=SOURCE,
        sheet=sheet.name,
        header_row=header.row + 1,
        sha256=sha256(path),
        demo=is_demo_file(path),
        rows_read=len(frame) + records.lines_skipped,
        lines_skipped=records.lines_skipped,
        blank_lines=records.blank_lines,
        skipped_lines=records.skipped,
        columns={header.labels[pos]: field for pos, field in header.columns.items() if pos in header.labels},
        unknown_columns=header.unknown,
    )
    unknown_units = sorted(set(frame["unit"].dropna()) - {u.unit for u in units.all_units()})
    if unknown_units:
        account.notes.append(
            "đơn vị ngoài danh sách units.csv (tên che bớt vì có thể là dữ liệu cá nhân): " + ", ".join(unknown_units)
        )
    return frame, account


def _written_values(written: pd.DataFrame, columns: pd.Series) -> pd.Series:
    """The cell as written in the column each row was quarantined for (never a personal column)."""
    values = pd.Series(pd.NA, index=written.index, dtype="string")
    for column in columns.dropna().unique():
        mask = columns == column
        values[mask] = written.loc[mask, column]
    return values


def mark_repeats(frame: pd.DataFrame) -> pd.DataFrame:
    """Among rows not yet quarantined: the same unit, year, date and code with other points -> every such
    row quarantined; with the same points -> all but the first flagged ``duplicate``."""
    key = ["unit", "year", "_date", "code"]
    values = ["self_points", "appraised_points", "file_max_points"]
    clean = frame[frame["reason"].isna()].assign(_date=frame["as_of"].fillna(NO_DATE))
    variants = clean.drop_duplicates(key + values).groupby(key).size().rename("variants").reset_index()
    clean = clean.merge(variants, on=key, how="left").set_axis(clean.index)
    conflict = clean["variants"] > 1
    frame = frame.assign(duplicate=False)
    if conflict.any():
        rows = clean[conflict]
        where = (rows["source_file"] + " dòng " + rows["source_row"].astype("string")).astype(object)
        others = where.groupby([rows[c] for c in key]).transform(", ".join).astype("string")
        frame.loc[rows.index, "q_column"] = "code"
        frame.loc[rows.index, "reason"] = "mã tiêu chí " + rows["code"] + " lặp lại với điểm khác nhau (" + others + ")"
    repeated = clean[~conflict].duplicated(key + values)
    frame.loc[repeated[repeated].index, "duplicate"] = True
    return frame


def _quarantine(rows: pd.DataFrame) -> pd.DataFrame:
    return quarantine_frame(
        pd.DataFrame(
            {
                "source": SOURCE,
                "file": rows["source_file"],
                "sheet": rows["sheet"],
                "row": rows["source_row"],
                "record_id": record_id(rows),
                "column": rows["q_column"].map(COLUMN_VI),
                "value": rows["q_value"],
                "reason": rows["reason"],
            }
        )
    )


def ingest(
    raw_dir: Path, sets: dict[int, CriteriaSet] | None = None, table_aliases: AliasTable | None = None
) -> SourceResult | None:
    """Every score file under ``<raw_dir>/par_index/``; None when there is none."""
    files = list_files(raw_dir / SOURCE)
    if not files:
        return None
    sets = sets if sets is not None else read_sets()
    table_aliases = table_aliases or score_aliases()
    frames, accounts = [], []
    for path in files:
        frame, account = read_file(path, raw_dir, table_aliases, sets)
        frames.append(frame)
        accounts.append(account)
    frame = mark_repeats(pd.concat(frames, ignore_index=True))
    held = frame["reason"].notna()
    quarantine = _quarantine(frame[held])
    table = (
        frame.loc[~held & ~frame["duplicate"], TABLE_COLUMNS]
        .astype(
            {
                "year": "Int64",
                "as_of": "datetime64[us]",
                "source_file": "string",
                "sheet": "string",
                "source_row": "int64",
            }
        )
        .reset_index(drop=True)
    )
    settle(accounts, frame["source_file"], held, frame["duplicate"])
    found = issues(table, sets, quarantine)
    for account in accounts:
        account.notes += found.loc[found["file"] == account.file, "message"].tolist()
    result = SourceResult(SOURCE, table, quarantine, accounts)
    scrub_result(result)
    return result
