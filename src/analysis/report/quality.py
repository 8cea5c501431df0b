"""Tables of the data-quality report: a one-screen summary per source and the files that need attention first,
then the details (row accounting per file, quarantine reasons, recognised columns) with Vietnamese names."""

from __future__ import annotations

import re

import pandas as pd

from analysis import fmt
from analysis.readers.scrub import KIND_VI

SOURCE_VI = {
    "one_stop": "Hồ sơ một cửa",
    "sipas": "Phiếu khảo sát SIPAS",
    "par_index": "Điểm PAR INDEX",
    "papi_survey": "Khảo sát kiểu PAPI tại địa phương",
    "plan_progress": "Tiến độ nhiệm vụ Kế hoạch (bảng tự điền)",
    "manual_figures": "Số liệu báo cáo thủ công (bảng tự điền)",
}


# What each field the exports are read into means, for readers (never the internal name).
FIELD_VI = {
    "row_number": "số thứ tự",
    "dossier_id": "mã hồ sơ",
    "procedure_name": "tên thủ tục",
    "procedure_code": "mã thủ tục",
    "procedure": "thủ tục",
    "field": "lĩnh vực",
    "unit": "đơn vị",
    "channel": "hình thức nộp",
    "received_at": "ngày tiếp nhận",
    "due_at": "ngày hẹn trả",
    "finished_at": "ngày kết thúc xử lý",
    "returned_at": "ngày trả kết quả",
    "status": "trạng thái",
    "apology_issued": "phiếu xin lỗi",
    "supplement_requests": "số lần yêu cầu bổ sung",
    "fee_required": "có thu phí",
    "paid_online": "thanh toán trực tuyến",
    "e_result": "kết quả điện tử",
    "digitised": "số hóa hồ sơ",
    "data_reused": "tái sử dụng dữ liệu",
    "complaint": "phản ánh, kiến nghị",
    "rating": "đánh giá",
    "form_id": "mã phiếu",
    "respondent_id": "mã người trả lời",
    "survey_date": "ngày khảo sát",
    "surveyed_on": "ngày khảo sát",
    "gender": "giới tính",
    "age_group": "nhóm tuổi",
    "education": "trình độ học vấn",
    "occupation": "nghề nghiệp",
    "year": "năm",
    "code": "mã tiêu chí",
    "name": "tên tiêu chí",
    "max_points": "điểm tối đa",
    "self_points": "điểm tự đánh giá",
    "appraised_points": "điểm thẩm định",
    "evidence": "tài liệu kiểm chứng",
    "as_of": "ngày chấm",
}
_CRITERION = re.compile(r"^E\d\.\d+$")
_QUESTION = re.compile(r"^q(\d+)$")


def field_label(field: object) -> str:
    """The Vietnamese name of a field read from an export (SIPAS criteria and survey questions by number)."""
    key = "" if pd.isna(field) else str(field)
    if key in FIELD_VI:
        return FIELD_VI[key]
    if _CRITERION.match(key):
        return f"tiêu chí SIPAS {key[1:]}"
    if match := _QUESTION.match(key):
        return f"câu hỏi số {int(match.group(1))}"
    return key


def source_summary(manifest: dict, quarantines: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per source: rows read, ingested, set aside and duplicates, and the main reasons rows were set aside."""
    frame = totals(manifest)
    reasons = {}
    for source, quarantined in quarantines.items():
        summary = quarantine_summary(quarantined)
        counted = summary.assign(reason=summary["reason"].map(reason_kind)).groupby("reason", sort=False)["rows"].sum()
        top = counted.sort_values(ascending=False, kind="stable").head(3)
        reasons[SOURCE_VI.get(source, source)] = "; ".join(f"{reason} ({fmt.number(n)})" for reason, n in top.items())
    frame["reasons"] = frame["source"].map(reasons).fillna("")
    return frame


_DETAIL = re.compile(r"\s*(?::|\(|—).*$", re.S)
_CODE = re.compile(r"\s+cho\s+[A-Za-z]+\d[\w.]*")


def reason_kind(reason: str) -> str:
    """A quarantine reason without its particulars (value, file, question), so like reasons count together."""
    kind = _CODE.sub("", _DETAIL.sub("", str(reason))).strip().removesuffix(" ở")  # "khác nhau ở: …"
    return kind or str(reason)


def attention(manifest: dict) -> pd.DataFrame:
    """Files with rows set aside, duplicates or unrecognised headers, the most rows set aside first."""
    frame = accounting(manifest)
    frame["unknown"] = [len(f.get("unknown_columns", [])) for f in manifest.get("files", [])]
    flagged = frame.loc[(frame["rows_quarantined"] > 0) | (frame["rows_duplicate"] > 0) | (frame["unknown"] > 0)]
    return flagged.sort_values(["rows_quarantined", "rows_duplicate", "unknown"], ascending=False, kind="stable")


def accounting(manifest: dict) -> pd.DataFrame:
    """One row per file: rows read = ingested + quarantined + duplicate; skipped lines shown apart."""
    columns = [
        "source",
        "file",
        "sheet",
        "header_row",
        "demo",
        "rows_read",
        "rows_ingested",
        "rows_quarantined",
        "rows_duplicate",
        "lines_skipped",
    ]
    frame = pd.DataFrame(manifest.get("files", []), columns=columns)
    frame["source"] = frame["source"].map(lambda s: SOURCE_VI.get(s, s))
    frame["demo"] = frame["demo"].map({True: "mẫu (demo)", False: "thật"})
    return frame


def totals(manifest: dict) -> pd.DataFrame:
    frame = accounting(manifest)
    numeric = ["rows_read", "rows_ingested", "rows_quarantined", "rows_duplicate", "lines_skipped"]
    return frame.groupby("source", as_index=False)[numeric].sum()


def recognised_columns(manifest: dict) -> pd.DataFrame:
    """Which header, as written in each file, was read as which field; personal columns are dropped."""
    rows = [
        {
            "source": SOURCE_VI.get(f["source"], f["source"]),
            "file": f["file"],
            "header": header,
            "field": "(dữ liệu cá nhân — bỏ, không lưu)" if field == "personal" else field_label(field),
        }
        for f in manifest.get("files", [])
        for header, field in f.get("columns", {}).items()
    ]
    return pd.DataFrame(rows, columns=["source", "file", "header", "field"])


def unknown_columns(manifest: dict) -> pd.DataFrame:
    rows = [
        {"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "header": header}
        for f in manifest.get("files", [])
        for header in f.get("unknown_columns", [])
    ]
    return pd.DataFrame(rows, columns=["source", "file", "header"])


def notes(manifest: dict) -> pd.DataFrame:
    rows = [
        {"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "note": note}
        for f in manifest.get("files", [])
        for note in f.get("notes", [])
    ]
    return pd.DataFrame(rows, columns=["source", "file", "note"])


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows counted by file, column and reason."""
    if quarantine.empty:
        return pd.DataFrame(columns=["file", "column", "reason", "rows"])
    labelled = quarantine.assign(column=quarantine["column"].map(field_label))
    return (
        labelled.fillna({"column": "", "reason": ""})
        .groupby(["file", "column", "reason"], as_index=False)
        .size()
        .rename(columns={"size": "rows"})
        .sort_values("rows", ascending=False, kind="stable")
    )


def personal_masked(manifest: dict) -> pd.DataFrame:
    """Personal values (phone, CCCD/CMND, e-mail) found typed into kept cells and masked at ingest, per file."""
    rows = [
        {
            "source": SOURCE_VI.get(f["source"], f["source"]),
            "file": f["file"],
            "kind": KIND_VI.get(kind, kind),
            "values": n,
        }
        for f in manifest.get("files", [])
        for kind, n in f.get("personal_masked", {}).items()
    ]
    return pd.DataFrame(rows, columns=["source", "file", "kind", "values"])


def skipped_lines(manifest: dict) -> pd.DataFrame:
    """The non-blank lines under a header that were not read as records (totals, group lines, signatures), with
    their text as ingest kept it (masked), so the reader can check that nothing real was skipped."""
    rows = [
        {
            "source": SOURCE_VI.get(f["source"], f["source"]),
            "file": f["file"],
            "row": line["row"],
            "kind": line["kind"],
            "text": line["text"],
        }
        for f in manifest.get("files", [])
        for line in f.get("skipped_lines", [])
    ]
    return pd.DataFrame(rows, columns=["source", "file", "row", "kind", "text"])


def doubtful_dates(manifest: dict) -> pd.DataFrame:
    """Per file, the dossiers whose dates cannot all be true (returned, finished or due before received; a date
    before 2000 or after the day of ingest): kept, but left out of the timeliness figures."""
    rows = [
        {"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "dossiers": f["doubtful_dates"]}
        for f in manifest.get("files", [])
        if f.get("doubtful_dates")
    ]
    return pd.DataFrame(rows, columns=["source", "file", "dossiers"])


def doubtful_dossiers(one_stop: pd.DataFrame) -> pd.DataFrame:
    """The doubtful dossiers themselves (file, row, id and the four dates), to check against the export."""
    columns = ["source_file", "source_row", "dossier_id", "received_at", "due_at", "finished_at", "returned_at"]
    if "date_doubtful" not in one_stop:
        return pd.DataFrame(columns=columns)
    return one_stop.loc[one_stop["date_doubtful"].fillna(False).astype(bool), columns].reset_index(drop=True)
