"""Ingest of an optional local PAPI-style survey: one row per respondent under ``<raw>/papi_survey/``.

Columns are recognised through data/reference/papi/survey_aliases.csv (form number, unit, interview date,
personal columns that are dropped here) and the question headers of survey_map.csv; answers through
survey_scales.csv (codes or words; "không biết", "không trả lời", blank = not an answer, kept as NA).
The processed table holds each answer as its scale code; the rescaling to PAPI-like scores is done by
analysis.indicators.papi_like, never here.

Like the SIPAS forms: an unreadable answer is set aside cell by cell (that answer becomes NA, a quarantine
entry names the row, column and value, the respondent is still ingested); a row is quarantined whole when it
cannot be placed (no form number, no unit, no or unreadable date) or holds no answer at all. A form number
repeated for one unit in one survey year with identical content is kept once (the others are duplicates);
with different content every copy is quarantined, since which one is right cannot be told (find_repeats).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.errors import IngestError
from analysis.ingest.accounting import FileAccount, SourceResult, is_demo_file, quarantine_frame, relative_name
from analysis.ingest.duplicates import find_repeats
from analysis.readers.cells import coded_values, text_column
from analysis.readers.dates import parse_dates
from analysis.readers.files import list_files, sha256
from analysis.readers.headers import AliasTable, locate_table
from analysis.readers.records import records_under
from analysis.readers.scrub import mask_unknown, quoted, scrub_result
from analysis.reference import aliases, units
from analysis.reference.papi import reference_path, survey_map, survey_scales
from analysis.text import fold

SOURCE = "papi_survey"
REQUIRED = ("respondent_id", "unit", "surveyed_on")
NOT_AN_ANSWER = -1.0  # what the blank values of survey_scales.csv are mapped to before becoming NA


@dataclass(frozen=True)
class SurveyReference:
    questions: pd.DataFrame  # survey_map.csv
    scales: pd.DataFrame  # survey_scales.csv
    aliases: AliasTable

    @property
    def codes(self) -> list[str]:
        return self.questions["question"].tolist()

    @property
    def columns(self) -> list[str]:
        return [*REQUIRED, *self.codes, "source_file", "source_row"]


def build_reference(questions: pd.DataFrame, scales: pd.DataFrame, alias_path: Path | None = None) -> SurveyReference:
    """Respondent-column aliases plus every question's code and header spellings; a spelling used twice is refused."""
    by_key = dict(aliases.read(alias_path or reference_path("survey_aliases.csv")).by_key)
    for code, headers in zip(questions["question"], questions["headers"]):
        for spelling in [code, *headers.split("|")]:
            key = fold(spelling)
            if key and by_key.setdefault(key, code) != code:
                raise IngestError(
                    f"survey_map.csv: the header {spelling!r} is given to both {by_key[key]!r} "
                    f"and {code!r}; keep it for one only"
                )
    return SurveyReference(questions, scales, AliasTable(by_key))


@lru_cache(maxsize=1)
def default_reference() -> SurveyReference:
    scales = survey_scales()
    return build_reference(survey_map(scales=scales), scales)


def answer_codes(cells: pd.Series, scale: str, scales: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Answer cells of one question -> (scale code or NA, bad). Non-answers and blanks are NA, not bad."""
    table = scales[scales["scale"] == scale]
    mapping = dict(zip(table["answer"], table["value"].fillna(NOT_AN_ANSWER).astype(float)))
    mapped, bad = coded_values(cells, mapping)
    codes = pd.to_numeric(mapped, errors="coerce").astype("Float64")
    return codes.mask(codes == NOT_AN_ANSWER), bad


@dataclass
class FileRows:
    account: FileAccount
    rows: pd.DataFrame
    quarantine: list[dict]
    carried: set[str]  # the compared columns this file has (questions it asks)


def read_file(path: Path, raw_dir: Path, ref: SurveyReference) -> FileRows:
    """One export -> its respondents, quarantine entries and row accounting; IngestError when unusable."""
    name = relative_name(path, raw_dir)
    account = FileAccount(file=name, source=SOURCE, sha256=sha256(path, name), demo=is_demo_file(path))
    sheet, header = locate_table(path, ref.aliases, REQUIRED)
    asked = [q for q in ref.codes if q in set(header.columns.values())]
    if not asked:
        raise IngestError(
            f"{path.name}: no question column recognised; expected headers such as 'Câu 1' or "
            "'C1' (data/reference/papi/survey_map.csv)"
        )
    account.sheet, account.header_row = sheet.name, header.row + 1
    account.columns = {header.labels[pos]: f for pos, f in header.columns.items() if pos in header.labels}
    account.unknown_columns = list(header.unknown)
    label = {f: header.labels.get(pos, f) for pos, f in sorted(header.columns.items(), reverse=True)}
    records = records_under(sheet, header)
    raw = records.frame
    account.lines_skipped, account.blank_lines = records.lines_skipped, records.blank_lines
    account.skipped_lines = records.skipped
    account.rows_read = len(raw) + records.lines_skipped

    out = pd.DataFrame(
        {
            "respondent_id": text_column(raw["respondent_id"]),
            "unit": mask_unknown(units.canonical(text_column(raw["unit"])), units.known_names()),
        }
    )
    out["surveyed_on"], bad_date = parse_dates(raw["surveyed_on"])
    entries: list[dict] = []
    for code in ref.codes:
        if code not in asked:
            out[code] = pd.Series(pd.NA, index=raw.index, dtype="Float64")
            continue
        scale = ref.questions.loc[ref.questions["question"] == code, "scale"].iloc[0]
        out[code], bad = answer_codes(raw[code], scale, ref.scales)
        entries += _entries(
            account,
            raw,
            out,
            bad,
            label[code],
            quoted(text_column(raw[code]), categorical=True),
            f"câu trả lời không hợp lệ cho {code} (thang {scale}) — chỉ bỏ câu này, "
            "các câu khác của phiếu vẫn được tính",
        )
    no_answer = raw[asked].map(lambda cell: cell is None or not str(cell).strip()).all(axis=1)
    reasons = [  # the first that applies is the row's reason
        (out["respondent_id"].isna(), label["respondent_id"], None, "thiếu mã phiếu"),
        (out["unit"].isna(), label["unit"], None, "thiếu tên đơn vị"),
        (
            out["surveyed_on"].isna() & ~bad_date,
            label["surveyed_on"],
            None,
            "thiếu ngày khảo sát: không xếp được phiếu vào năm nào",
        ),
        (bad_date, label["surveyed_on"], quoted(text_column(raw["surveyed_on"])), "ngày khảo sát không đọc được"),
        (no_answer, "(mọi câu hỏi)", None, "phiếu không có câu trả lời nào"),
    ]
    rejected = pd.Series(False, index=raw.index)
    for mask, column, values, reason in reasons:
        fresh = mask & ~rejected
        whole = set(raw.loc[fresh, "source_row"])  # their cell-level entries give way to the row's reason
        entries = [e for e in entries if e["row"] not in whole]
        entries += _entries(account, raw, out, fresh, column, values, reason)
        rejected |= fresh
    known = {u.unit for u in units.all_units()}
    strangers = out.loc[~rejected & ~out["unit"].isin(known), "unit"].value_counts()
    account.notes += [
        f"đơn vị không có trong danh mục (units.csv): {name} ({count} phiếu; tên che bớt vì có thể là dữ liệu cá nhân)"
        for name, count in strangers.items()
    ]
    out["source_file"] = account.file
    out["source_row"] = raw["source_row"].astype("int64")
    account.rows_quarantined = int(rejected.sum())
    account.rows_ingested = account.rows_read - account.rows_quarantined - account.lines_skipped
    return FileRows(account, out[~rejected].reset_index(drop=True), entries, {"surveyed_on", *asked})


def _entries(
    account: FileAccount,
    raw: pd.DataFrame,
    out: pd.DataFrame,
    mask: pd.Series,
    column: str,
    values: pd.Series | None,
    reason: str,
) -> list[dict]:
    """Quarantine entries for the rows in ``mask`` (a few per file, so plain dicts)."""
    picked = mask[mask.fillna(False)].index
    return [
        {
            "source": SOURCE,
            "file": account.file,
            "sheet": account.sheet,
            "row": int(raw.at[i, "source_row"]),
            "record_id": out.at[i, "respondent_id"],
            "column": column,
            "value": None if values is None or pd.isna(values[i]) else str(values[i])[:80],
            "reason": reason,
        }
        for i in picked
    ]


def repeated_forms(rows: pd.DataFrame, codes: list[str], carried: dict[str, set[str]]):
    """Forms sharing unit + form number + survey year: same answers -> duplicates, different -> conflicts.
    A question one file does not ask is not a difference."""
    keyed = rows.assign(
        repeat_key=rows["unit"] + "\x1f" + rows["respondent_id"] + "\x1f" + rows["surveyed_on"].dt.year.astype("string")
    )
    return find_repeats(keyed, "repeat_key", ["surveyed_on", *codes], origin="source_file", carried=carried)


def ingest(raw_dir: Path, ref: SurveyReference | None = None) -> SourceResult | None:
    """Every export under ``<raw_dir>/papi_survey/`` -> the respondent table, its quarantine and the accounts."""
    files = list_files(Path(raw_dir) / SOURCE)
    if not files:
        return None
    ref = ref or default_reference()
    parts = [read_file(path, Path(raw_dir), ref) for path in files]
    accounts = {part.account.file: part.account for part in parts}
    entries = [entry for part in parts for entry in part.quarantine]
    rows = pd.concat([part.rows for part in parts], ignore_index=True)
    repeats = repeated_forms(rows, ref.codes, {part.account.file: part.carried for part in parts})
    conflict = rows[repeats.conflict]
    entries += [
        {
            "source": SOURCE,
            "file": file,
            "sheet": accounts[file].sheet,
            "row": row,
            "record_id": form,
            "column": "respondent_id",
            "value": form,
            "reason": f"mã phiếu lặp lại trong cùng đơn vị và năm, khác nhau ở: {differing} — không biết bản nào đúng",
        }
        for file, row, form, differing in zip(
            conflict["source_file"],
            conflict["source_row"],
            conflict["respondent_id"],
            repeats.differing[conflict.index],
        )
    ]
    for mask, counter in ((repeats.duplicate, "rows_duplicate"), (repeats.conflict, "rows_quarantined")):
        for file, count in rows.loc[mask, "source_file"].value_counts().items():
            setattr(accounts[file], counter, getattr(accounts[file], counter) + int(count))
            accounts[file].rows_ingested -= int(count)
    for account in accounts.values():
        account.check()
    table = rows[~(repeats.duplicate | repeats.conflict)].reset_index(drop=True)[ref.columns]
    table = table.astype(
        {
            "respondent_id": "string",
            "unit": "string",
            "source_file": "string",
            "source_row": "int64",
            **{code: "Float64" for code in ref.codes},
        }
    )
    table["surveyed_on"] = table["surveyed_on"].astype("datetime64[us]")
    result = SourceResult(SOURCE, table, quarantine_frame(entries), list(accounts.values()))
    scrub_result(result, kept_as_is=("respondent_id",))
    return result
