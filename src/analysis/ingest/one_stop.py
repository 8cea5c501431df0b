"""One-stop (một cửa) dossier exports under ``<raw>/one_stop/`` -> ``one_stop.parquet``, one row per dossier.

The rules in short (the analyst's version, with examples, is docs/ingest_one_stop.md):

- Files: every xlsx/xls/csv/txt below ``one_stop/`` (sub-folders too). The sheet and header row are found by
  the column aliases of ``data/reference/one_stop/aliases.csv``; title rows, blank lines and footer lines
  (Tổng cộng, signatures) are not dossiers and are not counted.
- Required columns: the dossier id and the received date. A file without them, or that cannot be read at all,
  stops ingest with an ``IngestError`` naming the file (its path under the raw folder) and what is wrong.
- Unit: the file's unit column, row by row, canonical through ``units.canonical`` (unknown spellings are kept
  and listed in the file's notes). Without a unit column (or for its blank cells): the unit named in the title
  rows above the header ("UBND PHƯỜNG NINH THẠNH", "Đơn vị: Ninh Thạnh"), else the unit of the sub-folder
  (``one_stop/ninh-thanh/…``); title and folder naming different units is an error, and so is a file with
  no unit at all. File names are never used.
- Values: statuses (names or codes 1–10), channels (text or codes 1/2/3) and ratings through
  ``data/reference/one_stop/values.csv``; yes/no as Có/Không/x/1/0 (blank = no); dates in every shape
  ``tables.parse_dates`` reads. A yes/no column the file does not have stays NA ("no data" downstream).
- Quarantine (one row per raw row, reasons in Vietnamese, never a personal value): missing id, missing received
  date, any date that cannot be read, a status/channel/rating/yes-no value not in the vocabulary, no unit.
- Repeats, across all files: the same id with the same values (STT and source row aside; a column only one
  file has is not compared) is kept once, at its first place in file order, and the other copies are counted
  as ``rows_duplicate`` of the file they are in, whose notes name the file holding the kept copy. The same id
  with different values: every copy is quarantined, the reason naming the columns that differ.
- Personal columns (alias field ``personal``) are never copied out of the sheet.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import IngestError
from analysis.ingest.accounting import (
    FileAccount,
    RowProblems,
    SourceResult,
    is_demo_file,
    quarantine_frame,
    relative_name,
)
from analysis.ingest.duplicates import find_repeats
from analysis.ingest.one_stop_values import FLAG_FIELDS, Vocabulary, counts, fee_flags, procedure_codes
from analysis.readers.cells import filled_cells, text_column
from analysis.readers.dates import MIXED, MONTH_FIRST, UNSETTLED, date_cells, date_order, parse_dates
from analysis.readers.files import Sheet, list_files, sha256
from analysis.readers.headers import AliasTable, Header, locate_tables
from analysis.readers.records import records_under
from analysis.readers.scrub import mask_unknown, scrub_result
from analysis.reference import aliases, units
from analysis.store.schemas import ONE_STOP

SOURCE = "one_stop"
REQUIRED = ("dossier_id", "received_at")
DATE_FIELDS = ("received_at", "due_at", "finished_at", "returned_at")
COLUMNS = ONE_STOP.columns  # the output schema, column -> dtype, declared in analysis.schemas
# How reports and quarantine reasons name the columns.
FIELD_LABELS_VI = {
    "dossier_id": "Mã hồ sơ",
    "unit": "Đơn vị",
    "procedure_code": "Mã TTHC",
    "procedure_name": "Tên thủ tục",
    "field": "Lĩnh vực",
    "channel": "Kênh nộp",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả",
    "finished_at": "Ngày kết thúc xử lý",
    "returned_at": "Ngày trả kết quả",
    "status_code": "Trạng thái",
    "paid_online": "Thanh toán trực tuyến",
    "apology_issued": "Phiếu xin lỗi",
    "supplement_requests": "Số lần yêu cầu bổ sung",
    "digitised": "Có thành phần số hóa",
    "e_result": "Kết quả điện tử",
    "data_reused": "Tái sử dụng dữ liệu số hóa",
    "fee_required": "Thủ tục có phí",
    "rating": "Đánh giá",
    "complaint": "Phản ánh, kiến nghị",
    "date_doubtful": "Ngày đáng ngờ",
    "source_file": "Tệp",
    "source_row": "Dòng",
}
COMPARED = [c for c in COLUMNS if c not in ("dossier_id", "date_doubtful", "source_file", "source_row")]
EARLIEST = pd.Timestamp("2000-01-01")  # no one-stop dossier system is older: an earlier date is a typing slip
# Alias field -> the output columns it fills (e_result_link feeds e_result; status feeds status_code).
FILLS = {"status": "status_code", "e_result_link": "e_result"}


@dataclass(frozen=True)
class Settings:
    aliases: AliasTable
    vocabulary: Vocabulary

    @classmethod
    def load(cls) -> Settings:
        return cls(
            aliases.read(paths.reference("one_stop", "aliases.csv")),
            Vocabulary.from_csv(paths.reference("one_stop", "values.csv")),
        )


@dataclass
class FilePart:
    table: pd.DataFrame  # rows that passed the row checks, typed as COLUMNS
    quarantine: pd.DataFrame
    account: FileAccount
    carried: set[str]  # output columns the file has


def ingest(raw_dir: Path, executor: Executor | None = None) -> SourceResult | None:
    """Read every one-stop export under ``<raw_dir>/one_stop/``; None when there is none. With ``executor``
    the files are read in parallel (a province has one export per unit); the result is the same."""
    raw_dir = Path(raw_dir)
    files = list_files(raw_dir / SOURCE)
    if not files:
        return None
    settings = Settings.load()
    result = combine(read_exports(files, raw_dir, settings, executor))
    scrub_result(result, kept_as_is=("dossier_id",))
    return result


def read_exports(files: list[Path], raw_dir: Path, settings: Settings, executor: Executor | None) -> list[FilePart]:
    """Every file's part, in the order of ``files``. The executor's workers take files from the front while
    this process reads, from the back, every file no worker has started yet (its future cancels), so no core
    waits for a worker that is still starting up."""
    if executor is None or len(files) < 2:
        return [read_export(path, raw_dir, settings) for path in files]
    futures = [executor.submit(read_export, path, raw_dir, settings) for path in files]
    here: dict[int, FilePart] = {}
    for i in reversed(range(len(files))):
        if futures[i].cancel():
            here[i] = read_export(files[i], raw_dir, settings)
    return [here[i] if i in here else future.result() for i, future in enumerate(futures)]


# ---------------------------------------------------------------- one file


def read_export(path: Path, raw_dir: Path, settings: Settings) -> FilePart:
    """One export: its typed rows, its quarantined rows and its account (duplicates are settled later).
    Every sheet with a dossier header is read (exports split by month over several sheets)."""
    name = relative_name(path, raw_dir)
    parts = [
        read_sheet(path, raw_dir, name, sheet, header, settings)
        for sheet, header in locate_tables(path, settings.aliases, REQUIRED, label=name)
    ]
    return parts[0] if len(parts) == 1 else merge_sheets(parts)


def merge_sheets(parts: list[FilePart]) -> FilePart:
    """One file's sheets as one part: rows stacked, counts summed, sheet names listed."""
    first = parts[0].account
    account = replace(
        first,
        sheet=", ".join(p.account.sheet for p in parts),
        rows_read=sum(p.account.rows_read for p in parts),
        rows_quarantined=sum(p.account.rows_quarantined for p in parts),
        lines_skipped=sum(p.account.lines_skipped for p in parts),
        blank_lines=sum(p.account.blank_lines for p in parts),
        doubtful_dates=sum(p.account.doubtful_dates for p in parts),
        skipped_lines=[line for p in parts for line in p.account.skipped_lines],
        columns={k: v for p in parts for k, v in p.account.columns.items()},
        unknown_columns=list(dict.fromkeys(c for p in parts for c in p.account.unknown_columns)),
        notes=[n for p in parts for n in p.account.notes],
    )
    return FilePart(
        pd.concat([p.table for p in parts], ignore_index=True),
        pd.concat([p.quarantine for p in parts], ignore_index=True),
        account,
        set.intersection(*(p.carried for p in parts)),
    )


def read_sheet(path: Path, raw_dir: Path, name: str, sheet: Sheet, header: Header, settings: Settings) -> FilePart:
    records = records_under(sheet, header, key_checks={"dossier_id": filled_cells, "received_at": date_cells})
    raw = records.frame
    labels = {f: header.labels.get(pos, f) for pos, f in sorted(header.columns.items(), reverse=True)}
    account = FileAccount(
        file=name,
        source=SOURCE,
        sheet=sheet.name,
        header_row=header.row + 1,
        sha256=sha256(path),
        demo=is_demo_file(path),
        rows_read=len(raw) + records.lines_skipped,
        lines_skipped=records.lines_skipped,
        blank_lines=records.blank_lines,
        skipped_lines=records.skipped,
        columns={header.labels[pos]: f for pos, f in header.columns.items() if pos in header.labels},
        unknown_columns=list(header.unknown),
    )
    problems = RowProblems(raw.index)
    table = typed_values(raw, settings.vocabulary, labels, problems, month_first(raw, name, account))
    if records.groups is not None:  # "Lĩnh vực: Hộ tịch" lines above the rows: their field, where none is written
        table["field"] = table["field"].fillna(records.groups) if "field" in raw else records.groups
    table["date_doubtful"] = doubtful_dates(table)
    table["unit"] = unit_column(
        raw, labels, problems, file_unit(sheet, header, path, raw_dir, name, settings, account), account
    )
    table["source_file"] = pd.Series(name, index=raw.index, dtype="string")
    table["source_row"] = raw["source_row"].astype("int64")
    table = table[list(COLUMNS)]
    bad = problems.reason.notna()
    quarantine = quarantine_frame(
        pd.DataFrame(
            {
                "source": SOURCE,
                "file": name,
                "sheet": sheet.name,
                "row": raw.loc[bad, "source_row"],
                "record_id": table.loc[bad, "dossier_id"],
                "column": problems.column[bad],
                "value": problems.value[bad],
                "reason": problems.reason[bad],
            }
        )
    )
    account.rows_quarantined = int(bad.sum())
    account.doubtful_dates = int((table["date_doubtful"] & ~bad).sum())
    carried = {FILLS.get(f, f) for f in header.columns.values()} & set(COLUMNS)
    if records.groups is not None:
        carried.add("field")
    return FilePart(table[~bad].reset_index(drop=True), quarantine, account, carried | {"unit"})


def month_first(raw: pd.DataFrame, name: str, account: FileAccount) -> bool:
    """Whether the file writes its text dates month first (US order), settled by its values (tables.date_order).

    A file that cannot settle it is read day first, as documented; it is refused only when reading it month
    first would make clearly fewer dossiers impossible (returned, finished or due before received): then the
    file most likely is in US order, and guessing either way would silently move dates.
    """
    columns = [raw[f] for f in DATE_FIELDS if f in raw]
    order = date_order(columns)
    if order == MONTH_FIRST:
        account.notes.append(
            "ngày viết theo thứ tự tháng/ngày/năm (kiểu Mỹ: có giá trị với phần thứ hai lớn hơn "
            "12): đã đọc theo tháng/ngày"
        )
        return True
    if order == MIXED:
        account.notes.append(
            "ngày viết lẫn hai thứ tự ngày/tháng và tháng/ngày: đọc theo ngày/tháng, các ngày "
            "không đọc được theo thứ tự này bị cách ly"
        )
    if order == UNSETTLED and len(columns) > 1:
        as_written = pd.DataFrame({f: parse_dates(raw[f])[0] for f in DATE_FIELDS if f in raw})
        swapped = pd.DataFrame({f: parse_dates(raw[f], month_first=True)[0] for f in DATE_FIELDS if f in raw})
        day_first_bad, month_first_bad = int(doubtful_dates(as_written).sum()), int(doubtful_dates(swapped).sum())
        if month_first_bad * 2 < day_first_bad:
            raise IngestError(
                f"{name}: every date could be day/month or month/day, and read day first (the documented order) "
                f"{day_first_bad} dossiers would be returned, finished or due before they were received against "
                f"{month_first_bad} read month first; export the file again with dates as dd/mm/yyyy (or as "
                "Excel dates)"
            )
    return False


def doubtful_dates(dates: pd.DataFrame, today: pd.Timestamp | None = None) -> pd.Series:
    """Dates that cannot all be true: returned, finished or due before received (calendar days), any date
    before 2000, or a received, finished or returned date after ``today`` (the day of ingest: an export cannot
    hold what has not happened; a due date may lie ahead). Such rows are kept but left out of timeliness."""
    today = (today or pd.Timestamp.now()).normalize()
    days = {f: dates[f].dt.normalize() if f in dates and dates[f].notna().any() else None for f in DATE_FIELDS}
    flagged = pd.Series(False, index=dates.index)
    received = days["received_at"]
    for fieldname, day in days.items():
        if day is None:
            continue
        flagged |= (day < EARLIEST).fillna(False)
        if fieldname != "due_at":
            flagged |= (day > today).fillna(False)
        if received is not None and fieldname != "received_at":
            flagged |= (day < received).fillna(False)
    return flagged.astype("boolean")


def typed_values(
    raw: pd.DataFrame, vocabulary: Vocabulary, labels: dict[str, str], problems: RowProblems, month_first: bool = False
) -> pd.DataFrame:
    """Every output column but unit and source_*; a column the file lacks is all NA."""
    out = pd.DataFrame(index=raw.index)
    out["dossier_id"] = text_column(raw["dossier_id"])
    problems.add(out["dossier_id"].isna(), labels["dossier_id"], f"thiếu mã hồ sơ (cột '{labels['dossier_id']}')")
    out["procedure_code"] = procedure_codes(raw["procedure_code"]) if "procedure_code" in raw else None
    for fieldname in ("procedure_name", "field"):
        out[fieldname] = text_column(raw[fieldname]) if fieldname in raw else None
    read_dates(raw, labels, problems, out, month_first)
    read_coded(raw, vocabulary, labels, problems, out)
    read_flags(raw, vocabulary, labels, problems, out)
    return out.astype({c: t for c, t in COLUMNS.items() if c in out.columns})


def read_dates(
    raw: pd.DataFrame, labels: dict[str, str], problems: RowProblems, out: pd.DataFrame, month_first: bool = False
) -> None:
    """The four dates; an unreadable one quarantines its row, and so does a blank received date."""
    unreadable = {}
    for fieldname in DATE_FIELDS:
        if fieldname not in raw:
            out[fieldname] = None
            continue
        out[fieldname], unreadable[fieldname] = parse_dates(raw[fieldname], month_first)
        problems.add_bad_value(
            unreadable[fieldname],
            raw[fieldname],
            f"{FIELD_LABELS_VI[fieldname].lower()} không đọc được",
            labels[fieldname],
        )
    problems.add(
        out["received_at"].isna() & ~unreadable["received_at"],
        labels["received_at"],
        f"thiếu ngày tiếp nhận (cột '{labels['received_at']}')",
    )


def read_coded(
    raw: pd.DataFrame, vocabulary: Vocabulary, labels: dict[str, str], problems: RowProblems, out: pd.DataFrame
) -> None:
    """Status, channel and rating through the vocabulary; a value it does not know quarantines the row."""
    for fieldname, column, what in (
        ("status", "status_code", "trạng thái"),
        ("channel", "channel", "kênh nộp"),
        ("rating", "rating", "đánh giá"),
    ):
        if fieldname not in raw:
            out[column] = None
            continue
        out[column], bad = vocabulary.lookup(fieldname, raw[fieldname])
        problems.add_bad_value(
            bad, raw[fieldname], f"{what} không có trong one_stop/values.csv", labels[fieldname], categorical=True
        )
    out["status_code"] = pd.to_numeric(out["status_code"]).astype("Int8")


def read_flags(
    raw: pd.DataFrame, vocabulary: Vocabulary, labels: dict[str, str], problems: RowProblems, out: pd.DataFrame
) -> None:
    """Yes/no columns (blank = no), the e-result link, and the number of supplement requests."""
    for fieldname in FLAG_FIELDS:
        if fieldname not in raw:
            out[fieldname] = None
            continue
        if fieldname == "fee_required":
            out[fieldname], bad = fee_flags(vocabulary, raw[fieldname])
        else:
            out[fieldname], bad = vocabulary.flags(fieldname, raw[fieldname])
        problems.add_bad_value(
            bad, raw[fieldname], "giá trị có/không không đọc được", labels[fieldname], categorical=True
        )
    if "e_result_link" in raw:  # a result file's link is an electronic result
        linked = text_column(raw["e_result_link"]).notna()
        out["e_result"] = out["e_result"] | linked if "e_result" in raw else linked
    out["supplement_requests"] = None
    if "supplement_requests" in raw:
        out["supplement_requests"], bad = counts(raw["supplement_requests"])
        problems.add_bad_value(
            bad, raw["supplement_requests"], "số lần yêu cầu bổ sung không đọc được", labels["supplement_requests"]
        )


# ---------------------------------------------------------------- unit


def file_unit(
    sheet: Sheet, header: Header, path: Path, raw_dir: Path, name: str, settings: Settings, account: FileAccount
) -> str | None:
    """The unit of a whole file: named in its title rows, else its sub-folder of one_stop/; None if neither."""
    named: dict[str, object] = {}
    for row in sheet.head(header.row):
        for cell in row:
            for unit in units.named_in(cell):
                named.setdefault(unit, cell)
    folder = next(
        (found.unit for part in reversed(path.relative_to(raw_dir / SOURCE).parts[:-1]) if (found := units.find(part))),
        None,
    )
    if len(named) > 1:
        account.notes.append("dòng tiêu đề nêu nhiều đơn vị (" + ", ".join(sorted(named)) + "): không dùng")
        named = {}
    titled = next(iter(named), None)
    if titled and folder and titled != folder:
        raise IngestError(
            f"{name}: the title rows name {titled!r} but the file is in the folder of {folder!r}; "
            "move the file to the right unit folder"
        )
    if titled:
        account.notes.append(f"đơn vị lấy từ dòng tiêu đề: '{named[titled]}' → {titled}")
    elif folder:
        account.notes.append(f"đơn vị lấy từ thư mục: {folder}")
    if not titled and not folder and "unit" not in header.columns.values():
        raise IngestError(
            f"{name}: no unit: no unit column ({settings.aliases.describe('unit')}), no unit of units.csv in the "
            "title rows, and not in a unit folder (e.g. one_stop/ninh-thanh/)"
        )
    return titled or folder


def unit_column(
    raw: pd.DataFrame, labels: dict[str, str], problems: RowProblems, fallback: str | None, account: FileAccount
) -> pd.Series:
    """Canonical unit per row; blank cells take the file's unit; unknown spellings are kept and noted."""
    if "unit" not in raw.columns:
        return pd.Series(fallback, index=raw.index, dtype="string")
    written = text_column(raw["unit"])
    unit = units.canonical(written).fillna(fallback) if fallback else units.canonical(written)
    problems.add(unit.isna(), labels["unit"], f"thiếu đơn vị (cột '{labels['unit']}')")
    unit = mask_unknown(unit, units.known_names())
    unknown = unit[unit.notna() & ~unit.isin(units.known_names())]
    first_row = raw.loc[unknown.index, "source_row"].groupby(unknown.to_numpy()).min()
    account.notes.extend(
        f"đơn vị không có trong units.csv: '{shown}' ({n} dòng, từ dòng {first_row[shown]}; tên "
        "che bớt vì có thể là dữ liệu cá nhân)"
        for shown, n in unknown.value_counts().items()
    )
    return unit


# ---------------------------------------------------------------- all files


def combine(parts: list[FilePart]) -> SourceResult:
    """Stack the files, settle repeated dossier ids across all of them, and close every file's account."""
    table = pd.concat([p.table for p in parts], ignore_index=True).astype(COLUMNS)
    accounts = {p.account.file: p.account for p in parts}
    repeats = find_repeats(
        table, "dossier_id", COMPARED, origin="source_file", carried={p.account.file: p.carried for p in parts}
    )
    conflicts = conflict_quarantine(table, repeats.conflict, repeats.differing, accounts)
    kept_at = repeats.kept_row[repeats.duplicate].astype("int64")
    copies = pd.DataFrame(
        {"file": table.loc[repeats.duplicate, "source_file"], "kept_in": table["source_file"].to_numpy()[kept_at]}
    )
    for (file, kept_in), n in copies.value_counts(sort=False).items():
        accounts[file].rows_duplicate += int(n)
        where = "trong cùng tệp" if kept_in == file else f"ở tệp {kept_in}"
        accounts[file].notes.append(f"{n} dòng trùng hoàn toàn với hồ sơ đã có {where} (chỉ giữ một bản)")
    for file, n in table.loc[repeats.conflict, "source_file"].value_counts(sort=False).items():
        accounts[file].rows_quarantined += int(n)
    for account in accounts.values():
        account.rows_ingested = (
            account.rows_read - account.rows_quarantined - account.rows_duplicate - account.lines_skipped
        )
        account.check()
    kept = table[~(repeats.duplicate | repeats.conflict)].reset_index(drop=True)
    doubtful = kept.loc[kept["date_doubtful"].fillna(False).astype(bool), "source_file"].value_counts()
    for file, account in accounts.items():
        account.doubtful_dates = int(doubtful.get(file, 0))
    quarantine = quarantine_frame(pd.concat([*(p.quarantine for p in parts), conflicts], ignore_index=True))
    return SourceResult(SOURCE, kept, quarantine, list(accounts.values()))


def conflict_quarantine(
    table: pd.DataFrame, conflict: pd.Series, differing: pd.Series, accounts: dict[str, FileAccount]
) -> pd.DataFrame:
    """One quarantine row per copy of a conflicting id, naming the differing columns and every copy's place."""
    rows = table[conflict]
    if rows.empty:
        return quarantine_frame([])
    named = differing[conflict].map(
        {d: ", ".join(FIELD_LABELS_VI[c] for c in d.split(", ")) for d in differing[conflict].unique()}
    )
    places = (
        (rows["source_file"] + " dòng " + rows["source_row"].astype("string"))
        .groupby(rows["dossier_id"])
        .agg("; ".join)
    )
    return quarantine_frame(
        pd.DataFrame(
            {
                "source": SOURCE,
                "file": rows["source_file"],
                "sheet": rows["source_file"].map({f: a.sheet for f, a in accounts.items()}),
                "row": rows["source_row"],
                "record_id": rows["dossier_id"],
                "column": named,
                "value": None,
                "reason": "mã hồ sơ trùng nhưng khác nhau ở: "
                + named
                + " (các bản: "
                + rows["dossier_id"].map(places)
                + ")",
            }
        )
    )
