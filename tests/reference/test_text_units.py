import unicodedata

import pandas as pd

from analysis.reference import units
from analysis.text import fold, nfc, slugify


def test_fold_ignores_case_accents_spaces_and_punctuation():
    assert fold("Mã hồ sơ") == "mahoso"
    assert fold("MÃ HỒ\nSƠ") == "mahoso"
    assert fold("Ngày hẹn trả (kết quả)") == "ngayhentraketqua"
    assert fold("Đơn vị") == "donvi"  # Đ does not decompose: mapped explicitly
    assert fold(unicodedata.normalize("NFD", "Tên thủ tục")) == "tenthutuc"


def test_nfc_and_slug():
    decomposed = unicodedata.normalize("NFD", "Ninh Thạnh")
    assert decomposed != "Ninh Thạnh" and nfc(decomposed) == "Ninh Thạnh"
    assert slugify("Ninh Thạnh") == "ninh-thanh"
    assert slugify("Đồng Tháp") == "dong-thap"


def test_unit_spellings_map_to_the_reference_names():
    spelled = pd.Series(
        [
            "UBND phường Ninh Thạnh",
            "PHƯỜNG NINH THẠNH",
            "ninh thanh",
            "Phường 01",
            "Phường 4",
            "Xã Tân Bình",
            "Ủy ban nhân dân xã Thạnh Tân",
            "Nơi khác",
            None,
        ]
    )
    assert units.canonical(spelled).tolist() == [
        "Ninh Thạnh",
        "Ninh Thạnh",
        "Ninh Thạnh",
        "Phường 1",
        "Phường IV",
        "Tân Bình",
        "Thạnh Tân",
        "Nơi khác",
        pd.NA,
    ]


def test_ten_units_with_unique_slugs():
    found = units.all_units()
    assert len(found) == 10
    assert len({u.slug for u in found}) == 10
    assert units.find("phường ninh thạnh").display == "phường Ninh Thạnh"
