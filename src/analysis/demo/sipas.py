"""Demo SIPAS survey forms: every unit, every quarter of 2023-2024, in the shapes real exports come in.

40-60 forms per unit and quarter (about 200 a year, as a ward surveys), so a quarter carries real
uncertainty. Plausible patterns: weak criteria (E1.1 chỗ ngồi chờ, E5.4 thông báo kết quả kịp thời), land
procedures (đất đai) less satisfied, most units a little better in 2024 and one worse, many "no opinion"
answers on feedback handling (E5), a few unusable answers ("7", "hài lòng lắm"), fake personal columns.
One file per unit and year, in three layouts: labels in an xlsx with title rows and a footer, codes in a
semicolon CSV with question numbers as headers, codes in an xlsx with criterion codes as headers.
Seeded: the same files every run.
"""

from __future__ import annotations

import csv
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.indicators import sipas as sipas_index
from analysis.reference import sipas as sipas_reference
from analysis.reference import units

SOURCE = "sipas"
YEARS = (2023, 2024)
SEED = 2640  # QĐ 2640/QĐ-BNV
FORMS_PER_QUARTER = (40, 61)  # numpy integers(low, high): 40-60

# Satisfaction (share of "Hài lòng" or "Rất hài lòng") of a typical respondent in 2023, per criterion.
BASE = {
    "E1.1": 0.72,
    "E1.2": 0.86,
    "E1.3": 0.80,
    "E1.4": 0.88,
    "E2.1": 0.93,
    "E2.2": 0.92,
    "E2.3": 0.90,
    "E2.4": 0.94,
    "E2.5": 0.86,
    "E3.1": 0.94,
    "E3.2": 0.92,
    "E3.3": 0.90,
    "E3.4": 0.91,
    "E3.5": 0.89,
    "E3.6": 0.95,
    "E4.1": 0.95,
    "E4.2": 0.93,
    "E4.3": 0.94,
    "E5.1": 0.86,
    "E5.2": 0.82,
    "E5.3": 0.79,
    "E5.4": 0.68,
}
NO_OPINION = {"E5.1": 0.10, "E5.2": 0.20, "E5.3": 0.22, "E5.4": 0.25}  # others: 0.02
UNIT_EFFECT = {
    "Phường 1": 0.35,
    "Phường 2": 0.10,
    "Phường 3": -0.20,
    "Phường IV": 0.25,
    "Hiệp Ninh": 0.45,
    "Ninh Sơn": -0.10,
    "Ninh Thạnh": -0.25,
    "Bình Minh": 0.05,
    "Tân Bình": -0.35,
    "Thạnh Tân": 0.15,
}
CHANGE_2024 = {"Phường 3": -0.45, "Ninh Thạnh": 0.45}  # others +0.2 on the logit scale
E5_4_CHANGE_2024 = {"Ninh Thạnh": 0.6}  # a unit that worked on answering feedback in time
FIELDS = {  # field: (share of forms, logit effect, procedures)
    "Chứng thực": (0.32, 0.25, ["Chứng thực bản sao từ bản chính", "Chứng thực chữ ký"]),
    "Hộ tịch": (0.28, 0.10, ["Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp bản sao trích lục hộ tịch"]),
    "Đất đai": (0.20, -1.0, ["Đăng ký biến động quyền sử dụng đất", "Hòa giải tranh chấp đất đai"]),
    "Xây dựng": (0.10, -0.40, ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]),
    "Bảo trợ xã hội": (0.10, 0.20, ["Trợ cấp xã hội hằng tháng", "Hỗ trợ chi phí mai táng"]),
}
CHANNELS = (("Trực tiếp", "1", 0.82), ("Trực tuyến", "2", 0.16), ("Bưu chính", "3", 0.02))
GENDERS = (("Nam", 0.47), ("Nữ", 0.53))
AGES = (("18–30", 0.2), ("31–45", 0.34), ("46–60", 0.3), ("Trên 60", 0.16))
EDUCATION = (
    ("Tiểu học", 0.12),
    ("THCS", 0.28),
    ("THPT", 0.32),
    ("Trung cấp, cao đẳng", 0.13),
    ("Đại học trở lên", 0.15),
)
OCCUPATIONS = (
    ("Nông dân", 0.2),
    ("Công nhân", 0.2),
    ("Buôn bán, kinh doanh", 0.22),
    ("Cán bộ, công chức, viên chức", 0.1),
    ("Hưu trí", 0.1),
    ("Nội trợ", 0.1),
    ("Khác", 0.08),
)
LABELS = {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng", 5: "Rất hài lòng"}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Thu", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm", "Thảo", "Tuấn"]
STREETS = ["Cách Mạng Tháng Tám", "Trưng Nữ Vương", "Điện Biên Phủ", "Nguyễn Chí Thanh", "Bời Lời"]
LAYOUTS = ("labels_xlsx", "codes_csv", "codes_xlsx")


def _logit(p):
    return np.log(p / (1 - p))


def _pick(rng: np.random.Generator, options, size: int) -> np.ndarray:
    names = [o[0] for o in options]
    weights = np.array([o[-1] for o in options], dtype=float)
    return rng.choice(names, size=size, p=weights / weights.sum())


def satisfaction_logits(unit: str, year: int, fields: np.ndarray, codes: list[str]) -> np.ndarray:
    """Respondents x criteria logits before the person's own mood: criterion + unit + year + field."""
    base = _logit(np.array([BASE[c] for c in codes]))
    shift = UNIT_EFFECT.get(unit, 0.0)
    if year >= 2024:
        shift += CHANGE_2024.get(unit, 0.2)
    field_effect = np.array([FIELDS[f][1] for f in fields])
    logits = base[None, :] + shift + field_effect[:, None]
    if year >= 2024 and unit in E5_4_CHANGE_2024:
        logits[:, codes.index("E5.4")] += E5_4_CHANGE_2024[unit]
    return logits


def simulate(unit: str, year: int, quarter: int, rng: np.random.Generator, codes: list[str]) -> pd.DataFrame:
    """One unit's forms for one quarter: attributes and scores (NA = no opinion)."""
    n = int(rng.integers(*FORMS_PER_QUARTER))
    field_names = list(FIELDS)
    fields = rng.choice(field_names, size=n, p=[FIELDS[f][0] for f in field_names])
    first = date(year, 3 * quarter - 2, 1)
    days = (date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - first).days
    forms = pd.DataFrame(
        {
            "survey_date": [first + timedelta(days=int(d)) for d in rng.integers(0, days, n)],
            "field": fields,
            "procedure": [rng.choice(FIELDS[f][2]) for f in fields],
            "channel": _pick(rng, CHANNELS, n),
            "gender": _pick(rng, GENDERS, n),
            "age_group": _pick(rng, AGES, n),
            "education": _pick(rng, EDUCATION, n),
            "occupation": _pick(rng, OCCUPATIONS, n),
        }
    )
    mood = rng.normal(0.0, 0.9, size=(n, 1))  # one citizen's answers hang together
    p = 1 / (1 + np.exp(-(satisfaction_logits(unit, year, fields, codes) + mood)))
    satisfied = rng.random(p.shape) < p
    high = np.where(rng.random(p.shape) < 0.35, 5, 4)
    low = rng.choice([3, 2, 1], size=p.shape, p=[0.65, 0.25, 0.10])
    scores = np.where(satisfied, high, low).astype(float)
    silent = rng.random(p.shape) < np.array([NO_OPINION.get(c, 0.02) for c in codes])[None, :]
    scores[silent] = np.nan
    for i, code in enumerate(codes):
        forms[code] = pd.array(scores[:, i], dtype="Int8")
    return forms


def _fake_person(rng: np.random.Generator, n: int) -> dict[str, list[str]]:
    """Invented names, phones, ID numbers and addresses: ingest must drop every one of them."""
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(n)]
    phones = [f"09{int(x):08d}" for x in rng.integers(0, 10**8, n)]
    ids = [f"0721{int(x):08d}" for x in rng.integers(0, 10**8, n)]
    addresses = [f"Số {int(k)} đường {rng.choice(STREETS)}" for k in rng.integers(1, 400, n)]
    return {"names": names, "phones": phones, "ids": ids, "addresses": addresses}


def _styled_label(label: str, style: int) -> str:
    """The same answer as analysts type it: as written, upper case, without accents, or decomposed (NFD)."""
    if style == 1:
        return label.upper()
    if style == 2:
        return unicodedata.normalize("NFD", label).encode("ascii", "ignore").decode().lower()
    if style == 3:
        return unicodedata.normalize("NFD", label)
    return label


def _answers(forms: pd.DataFrame, codes: list[str], rng: np.random.Generator, labels: bool) -> pd.DataFrame:
    """Scores -> cells: labels or codes, no-opinion answers, and a few unusable answers."""
    cells = {}
    for code in codes:
        scores = forms[code]
        if labels:
            styles = rng.choice(4, size=len(forms), p=[0.7, 0.1, 0.1, 0.1])
            texts: list[str | int | None]
            texts = [_styled_label(LABELS[int(s)], st) if pd.notna(s) else None for s, st in zip(scores, styles)]
            silent = rng.choice(["Không ý kiến", "Không trả lời", ""], size=len(forms), p=[0.6, 0.2, 0.2])
            bad = rng.choice(["hài lòng lắm", "Tốt", "7"], size=len(forms))
        else:
            texts = [int(s) if pd.notna(s) else None for s in scores]
            silent = rng.choice(["0", "9", ""], size=len(forms), p=[0.5, 0.2, 0.3])
            bad = rng.choice(["7", "6", "4,5"], size=len(forms))
        texts = [t if t is not None else (s or None) for t, s in zip(texts, silent)]
        unusable = rng.random(len(forms)) < 0.0015
        cells[code] = [b if u else t for t, b, u in zip(texts, bad, unusable)]
    return pd.DataFrame(cells, index=forms.index)


def _year_forms(unit: units.Unit, year: int, codes: list[str]) -> tuple[pd.DataFrame, np.random.Generator]:
    index = [u.unit for u in units.all_units()].index(unit.unit)
    rng = np.random.default_rng([SEED, index, year])
    forms = pd.concat([simulate(unit.unit, year, q, rng, codes) for q in range(1, 5)], ignore_index=True)
    forms = forms.sort_values("survey_date", kind="stable").reset_index(drop=True)
    forms.insert(0, "form_id", [f"{unit.slug.upper()}-{year}-{i + 1:03d}" for i in range(len(forms))])
    return forms, rng


def _layout_frame(unit: units.Unit, year: int, layout: str, survey: pd.DataFrame) -> pd.DataFrame:
    codes = survey["code"].tolist()
    forms, rng = _year_forms(unit, year, codes)
    person = _fake_person(rng, len(forms))
    answers = _answers(forms, codes, rng, labels=layout == "labels_xlsx")
    channel_codes = {name: code for name, code, _ in CHANNELS}
    if layout == "labels_xlsx":
        texts = dict(zip(survey["code"], survey["headers"].str.split("|").str[3]))
        out = pd.DataFrame(
            {
                "STT": range(1, len(forms) + 1),
                "Mã phiếu": forms["form_id"],
                "Đơn vị": unit.display,
                "Ngày khảo sát": forms["survey_date"],
                "Họ và tên": person["names"],
                "Số điện thoại": person["phones"],
                "Lĩnh vực": forms["field"],
                "Tên thủ tục": forms["procedure"],
                "Hình thức giao dịch": forms["channel"],
                "Giới tính": forms["gender"],
                "Độ tuổi": forms["age_group"],
                "Trình độ học vấn": forms["education"],
                "Nghề nghiệp": forms["occupation"],
            }
        )
        return pd.concat([out, answers.rename(columns=texts)], axis=1)
    if layout == "codes_csv":
        out = pd.DataFrame(
            {
                "STT": range(1, len(forms) + 1),
                "Số phiếu": forms["form_id"],
                "Đơn vị": f"UBND {unit.display}",
                "Ngày điền phiếu": [d.strftime("%d/%m/%Y") for d in forms["survey_date"]],
                "Địa chỉ": person["addresses"],
                "Lĩnh vực": forms["field"],
                "Thủ tục hành chính": forms["procedure"],
                "Hình thức nộp": forms["channel"].map(channel_codes),
                "Giới tính": forms["gender"],
                "Nhóm tuổi": forms["age_group"],
                "Học vấn": forms["education"],
                "Nghề nghiệp": forms["occupation"],
            }
        )
        numbered = {code: f"Câu {i + 1}" for i, code in enumerate(codes)}
        out = pd.concat([out, answers.rename(columns=numbered)], axis=1)
        out["Ý kiến khác"] = rng.choice(["", "Cần thêm ghế ngồi chờ", "Nên trả lời góp ý sớm hơn", ""], len(out))
        return out
    stamps = [
        datetime.combine(d, datetime.min.time()) + timedelta(hours=int(h), minutes=int(m))
        for d, h, m in zip(forms["survey_date"], rng.integers(7, 17, len(forms)), rng.integers(0, 60, len(forms)))
    ]
    out = pd.DataFrame(
        {
            "Dấu thời gian": stamps,
            "MaPhieu": forms["form_id"],
            "TenDonVi": unit.unit,
            "Số CCCD": person["ids"],
            "TenLinhVuc": forms["field"],
            "TenTTHC": forms["procedure"],
            "KenhThucHien": forms["channel"].map(channel_codes),
            "GioiTinh": forms["gender"],
            "DoTuoi": forms["age_group"],
            "TrinhDo": forms["education"],
            "NgheNghiep": forms["occupation"],
        }
    )
    return pd.concat([out, answers], axis=1)


def _write_xlsx(path: Path, frame: pd.DataFrame, title_rows: list[str], footer: list[str]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"default_date_format": "dd/mm/yyyy"})
    workbook.set_properties({"created": datetime(2025, 1, 1), "author": "Chỉ số (demo)"})
    sheet = workbook.add_worksheet("Phiếu khảo sát")
    stamp = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, text in enumerate(title_rows):
        sheet.write(r, 0, text)
    top = len(title_rows) + (1 if title_rows else 0)
    sheet.write_row(top, 0, list(frame.columns))
    for c, column in enumerate(frame.columns):
        for r, value in enumerate(frame[column].tolist(), start=top + 1):
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, stamp)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()), day)
            else:
                sheet.write(r, c, value)
    for r, text in enumerate(footer, start=top + len(frame) + 2):
        sheet.write(r, 0, text)
    workbook.close()


def write(out_dir: Path) -> list[Path]:
    """Write the demo survey exports under ``<out_dir>/sipas/`` and return their paths."""
    folder = Path(out_dir) / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    survey = sipas_reference.questionnaire()
    written = []
    for index, unit in enumerate(units.all_units()):
        for year in YEARS:
            layout = LAYOUTS[(index + year) % len(LAYOUTS)]
            frame = _layout_frame(unit, year, layout, survey)
            if index == 0 and year == 2024:  # one form typed twice: counted once, as a duplicate
                frame = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
            stem = f"demo_sipas_{unit.slug}_{year}"
            if layout == "codes_csv":
                path = folder / f"{stem}.csv"
                frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
            else:
                path = folder / f"{stem}.xlsx"
                titles = (
                    ["PHIẾU KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN (DỮ LIỆU MẪU)", f"Đơn vị: {unit.display} — năm {year}"]
                    if layout == "labels_xlsx"
                    else []
                )
                footer = ["Người lập biểu", "(ký, ghi rõ họ tên)"] if layout == "labels_xlsx" else []
                _write_xlsx(path, frame, titles, footer)
            written.append(path)
    return written


def baseline_2023(draws: int = 20000, settings: sipas_index.Settings | None = None) -> pd.DataFrame:
    """The demo's "official 2023 result" per unit: the expected satisfaction of 2023's respondents.

    Expectation over the same model as the forms (field mix, each citizen's mood), by simulation with a
    large fixed sample, then aggregated with the index's own rules; written to baseline_2023_demo.csv.
    """
    settings = settings or sipas_index.Settings()
    survey = sipas_reference.questionnaire()
    codes, elements = survey["code"].tolist(), survey["element"].tolist()
    field_names = list(FIELDS)
    rows = []
    for index, unit in enumerate(units.all_units()):
        rng = np.random.default_rng([SEED, index, 0])
        fields = rng.choice(field_names, size=draws, p=[FIELDS[f][0] for f in field_names])
        mood = rng.normal(0.0, 0.9, size=(draws, 1))
        share = (1 / (1 + np.exp(-(satisfaction_logits(unit.unit, 2023, fields, codes) + mood)))).mean(axis=0)
        names, element_values, overall = sipas_index.aggregate(
            share[None, :], np.ones((1, len(codes))), elements, settings
        )
        values = dict(zip(codes, share * 100)) | dict(zip(names, element_values[0])) | {"overall": overall[0]}
        rows += [{"unit": unit.unit, "code": code, "value": round(float(v), 2)} for code, v in values.items()]
    return pd.DataFrame(rows)
