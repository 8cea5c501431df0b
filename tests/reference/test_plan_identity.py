"""The plan's identity is data: a settings file written here gives these words, a broken one a clear line."""

from datetime import date

import pytest

from analysis.errors import ReferenceFileError
from analysis.reference import plan

SETTINGS = """plan_number: "7/KH-UBND"
plan_date: 2026-01-15
plan_issuer: "UBND phường Tân Ninh"
plan_title: "Khắc phục tồn tại, hạn chế năm 2025"
reported_to: "Sở Nội vụ tỉnh Tây Ninh"
plan_year: 2026
baseline_year: 2025
due_soon_working_days: 3
"""


def test_identity_reads_every_word_from_the_file(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    found = plan.identity(path)
    assert (found.number, found.issued, found.plan_year, found.baseline_year) == (
        "7/KH-UBND",
        date(2026, 1, 15),
        2026,
        2025,
    )
    assert found.cited == "Kế hoạch 7/KH-UBND (15/01/2026) của UBND phường Tân Ninh"
    assert found.reported_to == "Sở Nội vụ tỉnh Tây Ninh"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("plan_date: 2026-01-15", "plan_date: 15/01/2026"), "plan_date must be a date"),
        (('plan_number: "7/KH-UBND"', 'plan_number: ""'), "plan_number must be a text"),
    ],
)
def test_a_broken_identity_is_one_line_naming_the_key(tmp_path, edit, message):
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS.replace(*edit), encoding="utf-8")
    with pytest.raises(ReferenceFileError, match=message):
        plan.identity(path)
