"""Simulated one-stop dossiers for the demo: a ward desk's year, vectorised with a seeded numpy Generator.

The output is a tidy frame in the processed schema's terms (plus the fake personal columns an export carries);
``demo/one_stop.py`` writes it in the shapes real exports come in. Everything here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 20240220  # the plan's date (Kế hoạch 23/KH-UBND, 20/02/2024)

# code, name, field, legal time limit in working days (0 = within the day), weight, fee (đồng, 0 = none)
PROCEDURES = pd.DataFrame(
    [
        (
            "2.000815",
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
            "Chứng thực",
            0,
            38,
            2000,
        ),
        ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 0, 11, 10000),
        ("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", "Chứng thực", 2, 3, 50000),
        (
            "2.001016",
            "Chứng thực hợp đồng, giao dịch liên quan đến thực hiện quyền của người sử dụng đất",
            "Chứng thực",
            2,
            3,
            50000,
        ),
        ("1.001193", "Đăng ký khai sinh", "Hộ tịch", 0, 10, 0),
        ("1.000894", "Đăng ký kết hôn", "Hộ tịch", 0, 3, 0),
        ("1.000656", "Đăng ký khai tử", "Hộ tịch", 0, 2, 0),
        ("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", 0, 6, 8000),
        ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, 5, 0),
        ("1.004746", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", 3, 1.5, 15000),
        ("1.003554", "Hòa giải tranh chấp đất đai", "Đất đai", 30, 0.6, 0),
        ("1.002255", "Xác nhận nguồn gốc, thời điểm sử dụng đất", "Đất đai", 10, 1.2, 0),
        ("1.009994", "Thông báo khởi công xây dựng công trình nhà ở riêng lẻ", "Xây dựng", 7, 0.6, 0),
        ("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng", "Bảo trợ xã hội", 15, 1.5, 0),
        ("1.001758", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", 5, 0.5, 0),
        ("1.002519", "Giải quyết chế độ mai táng phí đối với cựu chiến binh", "Người có công", 10, 0.3, 0),
    ],
    columns=["code", "name", "field", "days", "weight", "fee"],
)


@dataclass(frozen=True)
class Profile:
    """A unit's desk: dossiers a quarter, online share, late share and apology habit, 2023 -> 2024."""

    volume: int
    online: tuple[float, float]
    late: tuple[float, float]
    apology: float


PROFILES = {
    "Phường 1": Profile(1800, (0.30, 0.55), (0.030, 0.020), 0.90),
    "Phường 2": Profile(1600, (0.25, 0.50), (0.050, 0.030), 0.80),
    "Phường 3": Profile(1700, (0.28, 0.52), (0.040, 0.030), 0.85),
    "Phường IV": Profile(1500, (0.20, 0.45), (0.080, 0.060), 0.70),
    "Hiệp Ninh": Profile(2200, (0.35, 0.60), (0.020, 0.015), 0.95),
    "Ninh Sơn": Profile(1700, (0.22, 0.48), (0.060, 0.050), 0.75),
    "Ninh Thạnh": Profile(2800, (0.30, 0.62), (0.070, 0.020), 0.85),  # the plan's ward: improving in 2024
    "Bình Minh": Profile(1500, (0.15, 0.40), (0.100, 0.070), 0.60),
    "Tân Bình": Profile(1500, (0.18, 0.42), (0.090, 0.080), 0.65),
    "Thạnh Tân": Profile(1500, (0.12, 0.38), (0.110, 0.090), 0.60),
}
DEFAULT_PROFILE = Profile(1500, (0.20, 0.45), (0.060, 0.050), 0.75)
SEASON = (0.9, 1.0, 1.05, 1.1)  # Tết slows the first quarter
RATINGS = np.array(["very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"])
FAMILY = np.array(["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"])
MIDDLE = np.array(["Văn", "Thị", "Minh", "Ngọc", "Hoàng"])


EXPORT_AT = pd.Timestamp(2025, 1, 5, 23, 59)  # the day before the demo workbooks' creation date


def year_of_dossiers(unit: str, unit_number: int, year: int) -> pd.DataFrame:
    """One unit's dossiers received in ``year``, as an export taken at EXPORT_AT would show them: both years are
    exported together when the batch is prepared, so a dossier still open on 31/12/2023 shows how it ended."""
    rng = np.random.default_rng([SEED, unit_number, year])
    profile = PROFILES.get(unit, DEFAULT_PROFILE)
    step = 0 if year <= 2023 else 1
    quarters = [_received(rng, year, q, round(profile.volume * SEASON[q - 1] * (1.05**step))) for q in range(1, 5)]
    received = pd.Series(np.sort(np.concatenate(quarters))).astype("datetime64[us]")
    n = len(received)
    proc = PROCEDURES.iloc[rng.choice(len(PROCEDURES), n, p=PROCEDURES["weight"] / PROCEDURES["weight"].sum())]
    days = proc["days"].to_numpy()
    quarter = received.dt.quarter.to_numpy()
    online_p = profile.online[step] + (quarter - 1) * 0.02  # rising through the year
    draw = rng.random(n)
    channel = np.where(draw < 0.015, "post", np.where(draw < 0.015 + online_p, "online", "direct"))
    due = _due(received, days)
    supplements = np.where(
        days >= 2, rng.choice([0, 1, 2], n, p=[0.90, 0.08, 0.02]), rng.choice([0, 1], n, p=[0.98, 0.02])
    )
    late_p = profile.late[step] * np.where(days == 0, 0.5, 2.0)
    late = (rng.random(n) < late_p) | (supplements >= 2)
    finished = _finished(rng, received, due, days, late)
    returned = _returned(rng, finished, due)
    outcome = rng.random(n)
    withdrawn, refused, stopped = (
        outcome < 0.004,
        (outcome >= 0.004) & (outcome < 0.007),
        (outcome >= 0.007) & (outcome < 0.0085),
    )
    export_at = EXPORT_AT
    open_at_export = finished > export_at
    awaiting_pickup = (finished > export_at - pd.Timedelta(days=10)) & (rng.random(n) < 0.3)
    status = np.select(
        [
            refused,
            withdrawn,
            stopped,
            open_at_export & (supplements > 0),
            open_at_export,
            (returned > export_at) | awaiting_pickup,
        ],
        [3, 7, 8, 5, 4, 9],
        10,
    )
    finished = finished.where(~(open_at_export | refused))
    closed_day = np.busday_offset(received.dt.normalize().to_numpy().astype("datetime64[D]"), 2, roll="forward")
    finished = finished.where(
        ~(withdrawn | stopped), pd.Series(closed_day.astype("datetime64[us]")) + pd.Timedelta(hours=10)
    )
    returned = returned.where(status == 10)
    due = due.where(~refused)
    late_for_citizen = (returned.dt.normalize() > due.dt.normalize()) | (
        returned.isna() & finished.isna() & (due.dt.normalize() < export_at.normalize()) & ~refused
    )
    fee = proc["fee"].to_numpy()
    done = np.isin(status, [9, 10])
    rated = (status == 10) & (rng.random(n) < 0.4)
    mood = rng.choice(len(RATINGS), n, p=[0.55, 0.35, 0.06, 0.03, 0.01])
    mood = np.where(late_for_citizen & (rng.random(n) < 0.5), rng.choice([2, 3, 4], n), mood)
    return pd.DataFrame(
        {
            "unit": unit,
            "procedure_code": proc["code"].to_numpy(),
            "procedure_name": proc["name"].to_numpy(),
            "field": proc["field"].to_numpy(),
            "channel": channel,
            "received_at": received,
            "due_at": due,
            "finished_at": finished,
            "returned_at": returned,
            "status_code": status,
            "supplement_requests": supplements,
            "fee": fee,
            "paid_online": (fee > 0) & (channel == "online") & (rng.random(n) < (0.55, 0.8)[step]),
            "apology_issued": late_for_citizen.to_numpy() & (rng.random(n) < profile.apology),
            "digitised": ~refused & (rng.random(n) < (0.6, 0.88)[step]),
            "e_result": done & (rng.random(n) < (0.5, 0.82)[step]),
            "data_reused": ~refused & (rng.random(n) < (0.2, 0.45)[step]),
            "rating": np.where(rated, RATINGS[mood], np.array(None)),
            "complaint": rng.random(n) < np.where(late_for_citizen, 0.03, 0.002),
            **_fake_people(rng, n, unit_number, year),
        }
    ).assign(dossier_id=lambda f: _ids(f, unit_number))


def _received(rng: np.random.Generator, year: int, quarter: int, count: int) -> np.ndarray:
    """``count`` reception times on the quarter's working days, 07:30-16:45."""
    days = pd.bdate_range(
        pd.Timestamp(year, 3 * quarter - 2, 1), pd.Timestamp(year, 3 * quarter, 1) + pd.offsets.MonthEnd(0)
    ).to_numpy()
    minutes = rng.integers(7 * 60 + 30, 16 * 60 + 45, count)
    return rng.choice(days, count) + minutes.astype("timedelta64[m]")


def _due(received: pd.Series, days: np.ndarray) -> pd.Series:
    """Appointment at 17:00, ``days`` working days on; within-the-day procedures received after 15:00 next day."""
    start = received.dt.normalize().to_numpy().astype("datetime64[D]")
    offset = np.where((days == 0) & (received.dt.hour.to_numpy() >= 15), 1, days)
    due_day = np.busday_offset(start, offset, roll="forward")
    return pd.Series(due_day.astype("datetime64[us]")) + pd.Timedelta(hours=17)


def _finished(
    rng: np.random.Generator, received: pd.Series, due: pd.Series, days: np.ndarray, late: np.ndarray
) -> pd.Series:
    """End of processing: on or before the due day (mostly early), or 1-10 working days after it when late."""
    start = received.dt.normalize().to_numpy().astype("datetime64[D]")
    due_day = due.dt.normalize().to_numpy().astype("datetime64[D]")
    span = np.busday_count(start, due_day)
    on_time_day = np.busday_offset(
        start, np.floor(rng.random(len(days)) ** 1.5 * (span + 1)).astype(int), roll="forward"
    )
    late_day = np.busday_offset(due_day, rng.integers(1, 11, len(days)), roll="forward")
    day = pd.Series(np.where(late, late_day, on_time_day).astype("datetime64[us]"))
    same_day = day.to_numpy() == received.dt.normalize().to_numpy()
    later = received + pd.to_timedelta(rng.integers(20, 180, len(days)), unit="min")
    clock = day + pd.to_timedelta(rng.integers(8 * 60, 16 * 60 + 30, len(days)), unit="min")
    end = later.where(same_day, clock)
    return end.where(late | (end <= due), due - pd.Timedelta(minutes=5))


def _returned(rng: np.random.Generator, finished: pd.Series, due: pd.Series) -> pd.Series:
    """Result handed over the same day, or the next working day when that is still within the due day."""
    day = finished.dt.normalize().to_numpy().astype("datetime64[D]")
    next_day = np.busday_offset(day, 1, roll="forward")
    wait = (rng.random(len(day)) < 0.15) & (next_day <= due.dt.normalize().to_numpy().astype("datetime64[D]"))
    handed = pd.Series(np.where(wait, next_day, day).astype("datetime64[us]"))
    same = finished + pd.to_timedelta(rng.integers(5, 60, len(day)), unit="min")
    return same.where(~wait, handed + pd.to_timedelta(rng.integers(8 * 60, 16 * 60, len(day)), unit="min"))


def _fake_people(rng: np.random.Generator, n: int, unit_number: int, year: int) -> dict[str, np.ndarray]:
    """Clearly fake applicants: "Nguyễn Văn A00123", phone 0900…, ID 000…, a "Demo" street."""
    serial = np.arange(1, n + 1) + unit_number * 100_000 + (year - 2023) * 50_000
    letters = np.array(list("ABCDEGHK"))[serial % 8]
    name = (
        rng.choice(FAMILY, n)
        + " "
        + rng.choice(MIDDLE, n)
        + " "
        + letters
        + pd.Series(serial).astype(str).str.zfill(6).to_numpy()
    )
    return {
        "applicant": name,
        "phone": "09" + pd.Series(serial).astype(str).str.zfill(8).to_numpy(),
        "id_number": "000" + pd.Series(serial).astype(str).str.zfill(9).to_numpy(),
        "address": "Số "
        + (serial % 200 + 1).astype(str)
        + ", đường Demo "
        + (serial % 17 + 1).astype(str)
        + ", khu phố "
        + (serial % 6 + 1).astype(str),
    }


def _ids(frame: pd.DataFrame, unit_number: int) -> pd.Series:
    """ "H58.14.05-240315-0012": province-unit code, reception day, sequence of the day."""
    day = frame["received_at"].dt.strftime("%y%m%d")
    sequence = frame.groupby(day).cumcount() + 1
    return f"H58.14.{unit_number:02d}-" + day + "-" + sequence.astype(str).str.zfill(4)
