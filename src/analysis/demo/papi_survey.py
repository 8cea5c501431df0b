"""Demo local PAPI-style survey: one unit (phường Ninh Thạnh), 200 forms of March 2024, one xlsx.

Exercises the per-unit path of the PAPI report. Shaped like a survey typed into Excel: title rows, the
question numbers as headers (Câu 1 … Câu 16, survey_map.csv), yes/no answers as words, satisfaction as codes
1–5 or as labels, "Không biết" and "Không áp dụng" (not answers), questions asked only of some respondents
(land certificates, portal feedback), a personal column that ingest must drop, a footer line, and a few
faults: one form typed twice, one impossible answer ("7" on a 1–5 scale), one form without a date.
Seeded: the same file every run.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest.papi_survey import SOURCE

SEED = 2322024  # Kế hoạch 23/KH-UBND, 2024
FORMS = 200
UNIT = "Phường Ninh Thạnh"
FILE_NAME = "demo_papi_survey_ninh_thanh_2024.xlsx"
# yes/no questions: share answering "Có", share not answering ("Không biết"), share asked at all
YES_NO = {
    "q01": (0.58, 0.06, 1.0),
    "q02": (0.47, 0.05, 1.0),
    "q03": (0.52, 0.20, 1.0),
    "q04": (0.21, 0.12, 1.0),
    "q05": (0.74, 0.04, 0.55),
    "q10": (0.88, 0.05, 1.0),
    "q13": (0.18, 0.10, 1.0),
    "q14": (0.24, 0.02, 1.0),
    "q15": (0.81, 0.01, 1.0),
    "q16": (0.55, 0.05, 0.16),
}
# 1–5 questions: probabilities of the codes 1..5, share asked at all
LIKERT = {
    "q06": ((0.38, 0.30, 0.18, 0.10, 0.04), 1.0),
    "q07": ((0.02, 0.05, 0.18, 0.52, 0.23), 1.0),
    "q08": ((0.08, 0.17, 0.30, 0.35, 0.10), 0.27),
    "q09": ((0.02, 0.06, 0.20, 0.50, 0.22), 1.0),
    "q11": ((0.03, 0.10, 0.30, 0.42, 0.15), 1.0),
    "q12": ((0.01, 0.04, 0.20, 0.50, 0.25), 1.0),
}
LABELS = {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng", 5: "Rất hài lòng"}


def survey_frame(rng: np.random.Generator) -> pd.DataFrame:
    """The forms as the export shows them (headers as on the paper form)."""
    first = date(2024, 3, 4)
    frame = pd.DataFrame(
        {
            "STT": np.arange(1, FORMS + 1),
            "Mã phiếu": [f"NT-2024-{i:03d}" for i in range(1, FORMS + 1)],
            "Họ và tên": [f"(họ tên người trả lời số {i})" for i in range(1, FORMS + 1)],
            "Đơn vị": UNIT,
            "Ngày khảo sát": [
                datetime.combine(first + timedelta(days=int(d)), datetime.min.time())
                for d in np.sort(rng.integers(0, 26, FORMS))
            ],
            "Giới tính": rng.choice(["Nam", "Nữ"], FORMS, p=[0.46, 0.54]),
        }
    )
    for number in range(1, 17):
        code = f"q{number:02d}"
        frame[f"Câu {number}"] = _yes_no(rng, *YES_NO[code]) if code in YES_NO else _likert(rng, *LIKERT[code])
    return frame


def _yes_no(rng: np.random.Generator, yes: float, unknown: float, asked: float) -> list[object]:
    draw = rng.random(FORMS)
    answer = np.where(draw < unknown, "Không biết", np.where(rng.random(FORMS) < yes, "Có", "Không"))
    return [a if ask else None for a, ask in zip(answer, rng.random(FORMS) < asked)]


def _likert(rng: np.random.Generator, probabilities: tuple[float, ...], asked: float) -> list[object]:
    codes = rng.choice(np.arange(1, 6), FORMS, p=probabilities)
    as_label = rng.random(FORMS) < 0.3  # some forms were typed with the words, not the codes
    ask = rng.random(FORMS) < asked
    return [
        (LABELS[int(c)] if label else int(c)) if a else "Không áp dụng" for c, label, a in zip(codes, as_label, ask)
    ]


def with_faults(frame: pd.DataFrame) -> pd.DataFrame:
    """A form typed twice, an impossible answer and a form without a date, as real typing produces."""
    frame = frame.copy()
    frame.loc[17, "Câu 7"] = 7
    frame.loc[141, "Ngày khảo sát"] = None
    return pd.concat([frame.iloc[:60], frame.iloc[[59]], frame.iloc[60:]], ignore_index=True)


def write(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/papi_survey/demo_papi_survey_ninh_thanh_2024.xlsx``."""
    folder = Path(out_dir) / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    frame = with_faults(survey_frame(np.random.default_rng(SEED)))
    titles = [
        "KHẢO SÁT Ý KIẾN NGƯỜI DÂN VỀ HIỆU QUẢ QUẢN TRỊ VÀ HÀNH CHÍNH CÔNG (THEO MẪU PAPI)",
        f"{UNIT} — tháng 3/2024 — DỮ LIỆU MẪU (DEMO)",
    ]
    with pd.ExcelWriter(path, engine="xlsxwriter", datetime_format="dd/mm/yyyy") as writer:
        writer.book.set_properties({"created": datetime(2025, 1, 1), "author": "Chỉ số (demo)"})
        frame.to_excel(writer, sheet_name="Phieu", startrow=len(titles) + 1, index=False)
        sheet = writer.sheets["Phieu"]
        for row, text in enumerate(titles):
            sheet.write(row, 0, text)
        sheet.write(len(titles) + len(frame) + 3, 0, f"Tổng số phiếu: {FORMS}")
    return [path]
