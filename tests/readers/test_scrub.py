"""The scrubber: what it masks, what it must leave alone (ids, dates, codes, amounts), and how it counts."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from analysis.readers import scrub

PHONE, ID, EMAIL = scrub.MASKS["phone"], scrub.MASKS["id_number"], scrub.MASKS["email"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("gọi 0912345678 nhé", f"gọi {PHONE} nhé"),
        ("ĐT: 0912 345 678", f"ĐT: {PHONE}"),
        ("0912.345.678", PHONE),
        ("0912-345-678.", f"{PHONE}."),
        ("+84 912 345 678", PHONE),
        ("(+84)912345678", PHONE),
        ("84912345678", PHONE),
        ("bàn 0276 3822 123", f"bàn {PHONE}"),  # landline: 0 + 10 digits
        ("CCCD 079123456789", f"CCCD {ID}"),
        ("CMND: 271234567", f"CMND: {ID}"),
        ("079 123 456 789", ID),
        ("a.b-c@mail.gov.vn, và x@y.com", f"{EMAIL}, và {EMAIL}"),
    ],
)
def test_personal_values_are_masked(text, expected):
    assert scrub.scrub_text(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "H15.50.05.13-261008-0975",
        "000.00.20.H56-240101-0001",
        "15/01/2024",
        "2024-01-15 08:30:00",
        "15/01/2024 08:30",
        "20240115083000",
        "1.001230",
        "1.500.000 đồng",
        "150.000.000",
        "Quý I/2024",
        "Chứng thực bản sao từ bản chính",
        "Phường 12",
        "2.1.3",
        "12,5",
        "0,75",
    ],
)
def test_ids_dates_codes_and_amounts_are_left_alone(text):
    assert scrub.scrub_text(text) == (text, {})


def test_column_scrubbed_once_per_distinct_value_and_counted_per_row():
    values = pd.Series(
        ["Hộ tịch", "gọi 0912345678 hoặc 0987654321", None, "gọi 0912345678 hoặc 0987654321", "a@b.vn 079123456789"],
        dtype="string",
    )
    cleaned, counts = scrub.scrub_column(values)
    assert cleaned.fillna("-").tolist() == [
        "Hộ tịch",
        f"gọi {PHONE} hoặc {PHONE}",
        "-",
        f"gọi {PHONE} hoặc {PHONE}",
        f"{EMAIL} {ID}",
    ]
    assert str(cleaned.dtype) == "string"
    assert counts["phone"].tolist() == [0, 2, 0, 2, 0]
    assert counts["id_number"].tolist() == [0, 0, 0, 0, 1] and counts["email"].sum() == 1


def test_unknown_values_are_shown_masked():
    name = "Trần Thị Bưởi"
    shown = scrub.unknown_value(name)
    assert shown == "Trầ…[13 ký tự #" + hashlib.sha256(name.encode()).hexdigest()[:4] + "]"
    assert "Bưởi" not in shown and scrub.unknown_value("Tốt") == "Tốt"  # three characters tell nothing
    assert scrub.unknown_value("Trần Thị Bưởi") != scrub.unknown_value("Trần Thị Bướm")  # told apart


def test_quoted_values_keep_dates_and_numbers_but_not_words():
    values = pd.Series(["31/02/2024", "Quý 5/2024", "hôm qua", "Chờ ký", "7"], dtype="string")
    assert scrub.quoted(values).tolist() == [
        "31/02/2024",
        "Quý 5/2024",
        scrub.unknown_value("hôm qua"),
        scrub.unknown_value("Chờ ký"),
        "7",
    ]
    # in a categorical column (status, channel, answer) any value with a letter may be a name
    assert scrub.quoted(values, categorical=True).tolist()[1] == scrub.unknown_value("Quý 5/2024")
