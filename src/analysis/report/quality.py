"""Tables of the data-quality report: row accounting per file, quarantine reasons, recognised columns."""
from __future__ import annotations

import pandas as pd

from analysis.ingest.scrub import KIND_VI

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


def personal_masked(manifest: dict) -> pd.DataFrame:
    """Personal values (phone, CCCD/CMND, e-mail) found typed into kept cells and masked at ingest, per file."""
    rows = [{"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "kind": KIND_VI.get(kind, kind),
             "values": n} for f in manifest.get("files", []) for kind, n in f.get("personal_masked", {}).items()]
    return pd.DataFrame(rows, columns=["source", "file", "kind", "values"])


def skipped_lines(manifest: dict) -> pd.DataFrame:
    """The non-blank lines under a header that were not read as records (totals, group lines, signatures), with
    their text as ingest kept it (masked), so the reader can check that nothing real was skipped."""
    rows = [{"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "row": line["row"],
             "kind": line["kind"], "text": line["text"]}
            for f in manifest.get("files", []) for line in f.get("skipped_lines", [])]
    return pd.DataFrame(rows, columns=["source", "file", "row", "kind", "text"])


def doubtful_dates(manifest: dict) -> pd.DataFrame:
    """Per file, the dossiers whose dates cannot all be true (returned, finished or due before received; a date
    before 2000 or after the day of ingest): kept, but left out of the timeliness figures."""
    rows = [{"source": SOURCE_VI.get(f["source"], f["source"]), "file": f["file"], "dossiers": f["doubtful_dates"]}
            for f in manifest.get("files", []) if f.get("doubtful_dates")]
    return pd.DataFrame(rows, columns=["source", "file", "dossiers"])


def doubtful_dossiers(one_stop: pd.DataFrame) -> pd.DataFrame:
    """The doubtful dossiers themselves (file, row, id and the four dates), to check against the export."""
    columns = ["source_file", "source_row", "dossier_id", "received_at", "due_at", "finished_at", "returned_at"]
    if "date_doubtful" not in one_stop:
        return pd.DataFrame(columns=columns)
    return one_stop.loc[one_stop["date_doubtful"].fillna(False).astype(bool), columns].reset_index(drop=True)
