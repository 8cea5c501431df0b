"""Ingest of SIPAS survey forms: one row per respondent, answers as codes 1-5 or as labels.

Reads every xlsx/xls/csv/txt under ``<raw>/sipas/`` with the shared readers (header detection, encodings,
NFC). Columns are recognised through two analyst-editable files in data/reference/sipas/: the questionnaire
map (header or question code -> criterion) and respondent_columns.csv (unit, survey date, procedure, field,
channel, gender, age group, education, occupation, form number; personal columns -> dropped here).
Headers neither file knows go to ``FileAccount.unknown_columns`` and are never copied.

Answers (answers.csv): 1-5 or the five labels in any case, with or without accents; blank, "Không ý kiến",
"Không trả lời", 0 and 9 are no answer (NA). Any other answer is set aside **cell by cell**: the respondent
is kept and counted as ingested, that one answer becomes NA (counted in no share), and the quarantine table
gets an entry with the row, the column as written, the value and a reason. One unreadable answer should not
throw away the other 21 answers of a citizen. The same applies to an unreadable channel.
Rows are quarantined whole when they cannot be placed: no or unreadable survey date, no unit, or no answer
cell filled at all. Lines that hold nothing but a row number (an empty template line) are not forms.

Duplicates: a file byte-identical to an earlier one counts all its rows as duplicates. A form number
repeated for the same unit in the same quarter with identical content is kept once (the rest duplicates);
with different content every copy is quarantined (which one is right cannot be told). Forms without a form
number are never de-duplicated: two citizens may well give identical answers on the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

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
from analysis.readers.cells import cell_text, coded_values, map_distinct, text_column
from analysis.readers.dates import parse_dates
from analysis.readers.files import list_files, sha256
from analysis.readers.headers import AliasTable, locate_table
from analysis.readers.records import records_under
from analysis.readers.scrub import mask_unknown, quoted, scrub_result
from analysis.reference import units
from analysis.reference.sipas import answer_scores, column_aliases, questionnaire
from analysis.text import fold

SOURCE = "sipas"
ATTRIBUTES = ["procedure", "field", "gender", "age_group", "education", "occupation"]
RESPONDENT_COLUMNS = ["form_id", "unit", "survey_date", "procedure", "field", "channel", *ATTRIBUTES[2:]]
CHANNELS = {
    "1": "direct",
    "2": "online",
    "3": "post",
    "Trực tiếp": "direct",
    "Tại bộ phận một cửa": "direct",
    "Trực tuyến": "online",
    "Qua mạng": "online",
    "Online": "online",
    "Dịch vụ công trực tuyến": "online",
    "Bưu chính": "post",
    "Bưu chính công ích": "post",
    "Qua bưu điện": "post",
}


# ---------------------------------------------------------------- reference files (read by reference.sipas)


@dataclass(frozen=True)
class Reference:
    survey: pd.DataFrame
    aliases: AliasTable
    scores: dict[str, int]

    @property
    def codes(self) -> list[str]:
        return self.survey["code"].tolist()


@lru_cache(maxsize=1)
def default_reference() -> Reference:
    survey = questionnaire()
    return Reference(survey, column_aliases(survey), answer_scores())


def output_columns(codes: list[str]) -> list[str]:
    return [*RESPONDENT_COLUMNS, *codes, "source_file", "source_row"]


# ---------------------------------------------------------------- values

BLANK, UNREADABLE = -2, -1  # answer codes besides the scores 1-5 and NO_ANSWER


def answer_code(cell: object, scores: dict[str, int]) -> int:
    """One answer cell -> score 1-5, NO_ANSWER, UNREADABLE or BLANK. Numbers are read as written (4.0 = 4)."""
    text = cell_text(cell)
    if text is None:
        return BLANK
    try:
        number = float(text)
        key = str(int(number)) if number.is_integer() else fold(text)
    except ValueError:
        key = fold(text)
    return scores.get(key, UNREADABLE)


def answer_codes(values: pd.Series, scores: dict[str, int]) -> np.ndarray:
    """Answer cells -> codes, each distinct cell read once (a file repeats a handful of answers); an Excel
    TRUE/FALSE reaches ``answer_code`` as text (``map_distinct``) and is no answer of the scale: UNREADABLE."""
    return map_distinct(values, partial(answer_code, scores=scores)).to_numpy(dtype=np.int8)


def parse_answers(values: pd.Series, scores: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    """Answer cells -> (score 1-5 or NA, bad). Blank and the no-answer answers give NA and are not bad."""
    codes = answer_codes(values, scores)
    score = pd.Series(np.where(codes > 0, codes, 0), index=values.index, dtype="Int8").mask(codes <= 0)
    return score, pd.Series(codes == UNREADABLE, index=values.index)


def unit_from_folder(path: Path, source_root: Path) -> str | None:
    """``<raw>/sipas/Ninh Thạnh/forms.xlsx`` -> "Ninh Thạnh" when the folder names a unit of units.csv."""
    if path.parent == source_root:
        return None
    found = units.find(path.parent.name)
    return found.unit if found else None


def canonical_spelling(values: pd.Series) -> pd.Series:
    """Spellings that differ only in case, accents or spacing ("nữ", "Nữ ") -> the most frequent one."""
    text = values.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    keys = text.map(fold, na_action="ignore")
    frame = pd.DataFrame({"key": keys, "text": text}).dropna()
    if frame.empty:
        return text
    counts = frame.groupby(["key", "text"]).size().reset_index(name="count")
    best = counts.sort_values(["key", "count", "text"], ascending=[True, False, True]).drop_duplicates("key")
    return keys.map(best.set_index("key")["text"]).astype("string")


# ---------------------------------------------------------------- one file


def answer_codes_of(block: pd.DataFrame, scores: dict[str, int]) -> np.ndarray:
    """A file's answer columns (forms x criteria) -> codes, read in one pass over the whole block."""
    cells = pd.Series(block.to_numpy(dtype=object).ravel())
    return answer_codes(cells, scores).reshape(block.shape)


def _bad_answers(
    account: FileAccount,
    codes: np.ndarray,
    block: pd.DataFrame,
    rows,
    form_ids: pd.Series,
    kept: np.ndarray,
    labels: list[str],
    criteria: list[str],
) -> pd.DataFrame:
    """One quarantine entry per unreadable answer of a kept form: its row, its column as written, its value."""
    row_at, column_at = np.nonzero((codes == UNREADABLE) & kept[:, None])
    cells = pd.Series(block.to_numpy(dtype=object)[row_at, column_at])
    criterion = np.asarray(criteria, dtype=object)[column_at]
    reason = (
        "câu trả lời không hợp lệ cho " + pd.Series(criterion, dtype="string") + " (cần 1–5 hoặc Rất không "
        "hài lòng … Rất hài lòng) — chỉ bỏ câu này, các câu khác của phiếu vẫn được tính"
    )
    return _entries(
        account,
        np.ones(len(row_at), dtype=bool),
        np.asarray(rows)[row_at],
        form_ids.iloc[row_at].reset_index(drop=True),
        pd.Series(np.asarray(labels, dtype=object)[column_at]),
        quoted(cells.map(cell_text), categorical=True),
        reason,
    )


@dataclass
class FileForms:
    account: FileAccount
    forms: pd.DataFrame
    quarantine: list[pd.DataFrame]


def _entries(account: FileAccount, mask, rows, record_ids: pd.Series, column, values, reason) -> pd.DataFrame:
    """Quarantine entries for the rows selected by ``mask``; column, value and reason may vary per row."""
    mask = np.asarray(mask, dtype=bool)

    def cut(item):  # a Series is cut to the mask, a scalar is repeated
        return item.to_numpy()[mask] if isinstance(item, pd.Series) else item

    shown = None if values is None else pd.Series(cut(values), dtype="string").str.slice(0, 80).to_numpy()
    return pd.DataFrame(
        {
            "source": SOURCE,
            "file": account.file,
            "sheet": account.sheet,
            "row": np.asarray(rows)[mask],
            "record_id": record_ids.to_numpy()[mask],
            "column": cut(column),
            "value": shown,
            "reason": cut(reason),
        }
    )


def read_file(path: Path, raw_dir: Path, ref: Reference) -> FileForms:
    """One export -> its forms, quarantine entries and row accounting; IngestError when unusable."""
    name = relative_name(path, raw_dir)
    account = FileAccount(file=name, source=SOURCE, sha256=sha256(path, name), demo=is_demo_file(path))
    sheet, header = locate_table(path, ref.aliases, required=("survey_date",), label=account.file)
    asked = [c for c in ref.codes if c in set(header.columns.values())]
    folder_unit = unit_from_folder(path, raw_dir / SOURCE)
    _check_usable(account, header, asked, folder_unit, path)
    label: dict[str, str] = {}
    for pos, f in sorted(header.columns.items()):
        label.setdefault(f, header.labels.get(pos, f))
    raw = _forms_under(sheet, header, account)
    rows = raw["source_row"].to_numpy()
    problems = RowProblems(raw.index)
    forms = _placed(raw, label, folder_unit, problems, account)
    codes = answer_codes_of(raw[asked], ref.scores)
    problems.add(
        pd.Series((codes == BLANK).all(axis=1), index=raw.index), "(mọi câu hỏi)", "phiếu không có câu trả lời nào"
    )
    kept = problems.reason.isna().to_numpy()
    entries = [
        _channel(raw, forms, label, account, rows, kept),
        _bad_answers(account, codes, raw[asked], rows, forms["form_id"], kept, [label[c] for c in asked], asked),
    ]
    for f in ATTRIBUTES:
        forms[f] = text_column(raw[f]) if f in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    for code in ref.codes:
        column = codes[:, asked.index(code)] if code in asked else np.zeros(len(raw), dtype=np.int8)
        forms[code] = pd.Series(column, index=raw.index, dtype="Int8").mask(column <= 0)
    forms["source_file"] = account.file
    forms["source_row"] = raw["source_row"].astype("int64")
    rejected = ~kept
    entries.append(
        _entries(account, rejected, rows, forms["form_id"], problems.column, problems.value, problems.reason)
    )
    account.rows_quarantined = int(rejected.sum())
    account.rows_ingested = account.rows_read - account.rows_quarantined - account.lines_skipped
    return FileForms(account, forms[kept].reset_index(drop=True)[output_columns(ref.codes)], entries)


def _check_usable(account: FileAccount, header, asked: list[str], folder_unit: str | None, path: Path) -> None:
    """No answer column, or no way to tell the unit: the file cannot be used (said by name)."""
    if not asked:
        raise IngestError(
            f"{account.file}: no answer column recognised; expected headers such as 'Câu 1', "
            "'E1.1' or the criterion texts of data/reference/sipas/questionnaire.csv"
        )
    if "unit" not in header.columns.values() and folder_unit is None:
        raise IngestError(
            f"{account.file}: no unit column (Đơn vị), and the folder {path.parent.name!r} does "
            "not name a unit of data/reference/units.csv"
        )
    account.header_row = header.row + 1
    account.columns = {header.labels[pos]: f for pos, f in header.columns.items() if pos in header.labels}
    account.unknown_columns = list(header.unknown)


def _forms_under(sheet, header, account: FileAccount) -> pd.DataFrame:
    """The records under the header, without lines that hold nothing but a row number (empty template lines)."""
    account.sheet = sheet.name
    records = records_under(sheet, header)
    raw = records.frame
    content = [c for c in raw.columns if c not in ("source_row", "row_number")]
    filled = (
        raw[content].map(lambda cell: cell_text(cell) is not None).any(axis=1)
        if content
        else pd.Series(False, index=raw.index)
    )
    account.lines_skipped = records.lines_skipped + int((~filled).sum())
    account.blank_lines = records.blank_lines
    account.rows_read = len(raw) + records.lines_skipped
    account.skipped_lines = records.skipped + [
        {"row": int(row), "kind": "dòng chỉ có số thứ tự", "text": ""} for row in raw.loc[~filled, "source_row"]
    ]
    return raw[filled].reset_index(drop=True)


def _placed(
    raw: pd.DataFrame, label: dict[str, str], folder_unit: str | None, problems: RowProblems, account: FileAccount
) -> pd.DataFrame:
    """Form number, survey date and unit: what places a form in a unit and a period (rows without are flagged)."""
    forms = pd.DataFrame(index=raw.index)
    forms["form_id"] = (
        text_column(raw["form_id"]) if "form_id" in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    )
    dates, bad_dates = parse_dates(raw["survey_date"])
    forms["survey_date"] = dates
    problems.add(
        text_column(raw["survey_date"]).isna(),
        label["survey_date"],
        "thiếu ngày khảo sát: không xếp được phiếu vào kỳ nào",
    )
    problems.add_bad_value(bad_dates, raw["survey_date"], "ngày khảo sát không đọc được", label["survey_date"])
    unit = (
        units.canonical(text_column(raw["unit"]))
        if "unit" in raw
        else pd.Series(pd.NA, index=raw.index, dtype="string")
    )
    forms["unit"] = mask_unknown(unit.fillna(folder_unit) if folder_unit else unit, units.known_names())
    problems.add(forms["unit"].isna(), label.get("unit", "Đơn vị"), "thiếu tên đơn vị")
    strangers = forms.loc[forms["unit"].notna() & ~forms["unit"].isin(units.known_names()), "unit"].value_counts()
    account.notes += [
        f"đơn vị không có trong danh mục (units.csv): {name} ({count} phiếu; tên che bớt vì có thể là dữ liệu cá nhân)"
        for name, count in strangers.items()
    ]
    return forms


def _channel(
    raw: pd.DataFrame, forms: pd.DataFrame, label: dict[str, str], account: FileAccount, rows, kept: np.ndarray
) -> pd.DataFrame:
    """direct / online / post; an unreadable channel is set aside alone (the form is kept)."""
    if "channel" not in raw:
        forms["channel"] = pd.Series(pd.NA, index=raw.index, dtype="string")
        return _entries(account, np.zeros(len(raw), dtype=bool), rows, forms["form_id"], "", None, "")
    channel, bad = coded_values(raw["channel"], CHANNELS)
    forms["channel"] = channel.astype("string")
    return _entries(
        account,
        bad.to_numpy() & kept,
        rows,
        forms["form_id"],
        label["channel"],
        quoted(text_column(raw["channel"]), categorical=True),
        "hình thức giao dịch không đọc được (cần Trực tiếp, Trực tuyến, "
        "Bưu chính hoặc 1/2/3) — chỉ bỏ ô này, phiếu vẫn được tính",
    )


# ---------------------------------------------------------------- duplicates across files

FIELD_VI = {
    "unit": "đơn vị",
    "survey_date": "ngày khảo sát",
    "procedure": "thủ tục",
    "field": "lĩnh vực",
    "channel": "hình thức giao dịch",
    "gender": "giới tính",
    "age_group": "độ tuổi",
    "education": "trình độ học vấn",
    "occupation": "nghề nghiệp",
}


def repeated_forms(forms: pd.DataFrame, codes: list[str], carried: dict[str, set[str]]):
    """Forms sharing unit + form number + quarter (numbering may restart each quarter): same content ->
    duplicates, different content -> conflicts. A column one file lacks is not a difference."""
    quarter = forms["survey_date"].dt.to_period("Q").astype("string")
    keyed = forms.assign(repeat_key=forms["unit"] + "\x1f" + forms["form_id"] + "\x1f" + quarter)
    compare = [c for c in output_columns(codes) if c not in ("form_id", "source_file", "source_row")]
    return find_repeats(keyed, "repeat_key", compare, origin="source_file", carried=carried)


def drop_repeats(
    forms: pd.DataFrame, accounts: list[FileAccount], carried: dict[str, set[str]], codes: list[str]
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Keep one copy of repeated forms, quarantine conflicting ones, and move the counts in each file's account."""
    if forms.empty:
        return forms, []
    repeats = repeated_forms(forms, codes, carried)
    by_file = {a.file: a for a in accounts}
    entries = []
    for file, part in forms[repeats.conflict].groupby("source_file"):
        differing = repeats.differing[part.index].map(
            lambda names: ", ".join(FIELD_VI.get(n, n) for n in names.split(", ")), na_action="ignore"
        )
        entries.append(
            _entries(
                by_file[file],
                pd.Series(True, index=part.index),
                part["source_row"],
                part["form_id"],
                "Mã phiếu",
                part["form_id"],
                "mã phiếu lặp lại trong cùng đơn vị và quý, khác nhau ở: " + differing + " — không biết bản nào đúng",
            )
        )
    for mask, counter in ((repeats.duplicate, "rows_duplicate"), (repeats.conflict, "rows_quarantined")):
        for file, count in forms.loc[mask, "source_file"].value_counts().items():
            setattr(by_file[file], counter, getattr(by_file[file], counter) + int(count))
            by_file[file].rows_ingested -= int(count)
    return forms[~(repeats.duplicate | repeats.conflict)], entries


def finish(forms: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """One spelling per group, file order, and the table's dtypes."""
    forms = forms.copy()
    for f in ATTRIBUTES:
        forms[f] = canonical_spelling(forms[f])
    forms = forms.sort_values(["source_file", "source_row"], kind="stable").reset_index(drop=True)
    forms = forms.astype(
        {
            "form_id": "string",
            "unit": "string",
            "channel": "string",
            "source_file": "string",
            "source_row": "int64",
            **{c: "Int8" for c in codes},
        }
    )
    forms["survey_date"] = pd.to_datetime(forms["survey_date"]).astype("datetime64[us]")
    return forms[output_columns(codes)]


# ---------------------------------------------------------------- the source


def ingest(raw_dir: Path, ref: Reference | None = None) -> SourceResult | None:
    """Every export under ``<raw_dir>/sipas/`` -> the respondent table, its quarantine and the accounts."""
    ref = ref or default_reference()
    files = list_files(raw_dir / SOURCE)
    if not files:
        return None
    parts, accounts, entries = [], [], []
    seen: dict[str, str] = {}
    carried: dict[str, set[str]] = {}
    for path in files:
        result = read_file(path, raw_dir, ref)
        account = result.account
        accounts.append(account)
        carried[account.file] = {*account.columns.values(), "unit", "survey_date"}
        if account.sha256 in seen:  # the same export dropped in twice
            account.notes.append(f"tệp trùng hoàn toàn với {seen[account.sha256]}: mọi phiếu tính là trùng lặp")
            account.rows_duplicate = account.rows_read - account.lines_skipped
            account.rows_ingested, account.rows_quarantined = 0, 0
            continue
        seen[account.sha256] = account.file
        parts.append(result.forms)
        entries += result.quarantine
    forms = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=output_columns(ref.codes))
    forms, conflicts = drop_repeats(forms, accounts, carried, ref.codes)
    for account in accounts:
        account.check()
    found = [e for e in entries + conflicts if len(e)]
    quarantine = quarantine_frame(pd.concat(found, ignore_index=True) if found else [])
    source_result = SourceResult(SOURCE, finish(forms, ref.codes), quarantine, accounts)
    scrub_result(source_result, kept_as_is=("form_id",))
    return source_result
