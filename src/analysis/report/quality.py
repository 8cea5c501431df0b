"""Tables of the data-quality report: row accounting per file, quarantine reasons, recognised columns."""
from __future__ import annotations

import pandas as pd

SOURCE_VI = {"one_stop": "Hồ sơ một cửa", "sipas": "Phiếu khảo sát SIPAS", "par_index": "Điểm PAR INDEX",
             "papi_survey": "Khảo sát kiểu PAPI tại địa phương"}


def accounting(manifest: dict) -> pd.DataFrame:
    """One row per file: rows read = ingested + quarantined + duplicate; skipped lines shown apart."""
    columns = ["source", "file", "sheet", "header_row", "demo", "rows_read", "rows_ingested", "rows_quarantined",
               "rows_duplicate", "lines_skipped"]
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
    rows = [{"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "header": header,
             "field": "(dữ liệu cá nhân — bỏ, không lưu)" if field == "personal" else field}
            for f in manifest.get("files", []) for header, field in f.get("columns", {}).items()]
    return pd.DataFrame(rows, columns=["source", "file", "header", "field"])


def unknown_columns(manifest: dict) -> pd.DataFrame:
    rows = [{"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "header": header}
            for f in manifest.get("files", []) for header in f.get("unknown_columns", [])]
    return pd.DataFrame(rows, columns=["source", "file", "header"])


def notes(manifest: dict) -> pd.DataFrame:
    rows = [{"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "note": note}
            for f in manifest.get("files", []) for note in f.get("notes", [])]
    return pd.DataFrame(rows, columns=["source", "file", "note"])


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows counted by file, column and reason."""
    if quarantine.empty:
        return pd.DataFrame(columns=["file", "column", "reason", "rows"])
    return (quarantine.fillna({"column": "", "reason": ""})
            .groupby(["file", "column", "reason"], as_index=False).size()
            .rename(columns={"size": "rows"}).sort_values("rows", ascending=False, kind="stable"))
