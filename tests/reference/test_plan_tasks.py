"""tasks.csv and owners.csv against the plan's own text (data/reference/plan/ke-hoach-23-KH-UBND-2024.txt).

The plan text is split into its sections by its headings (“1.1. Nội dung thực hiện”, “2.3. Nội dung …”,
“III. TỔ CHỨC THỰC HIỆN”); in each, every task paragraph (a line opening with “- ”, or the section's first
paragraph when it has none; in III the numbered lines) must be the quote of exactly one task of that section,
and the officials named on each “Thực hiện” line must be exactly the owners of the tasks above it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from analysis import paths
from analysis.errors import ReferenceFileError
from analysis.reference import plan
from analysis.text import fold, nfc

PLAN_TEXT = paths.reference("plan", "ke-hoach-23-KH-UBND-2024.txt")
HEADING = re.compile(r"^(?:([12])\.([1-8])\. Nội dung|(III)\. TỔ CHỨC THỰC HIỆN)")
DUTY = re.compile(r"^[*\s]*(?:b\)\s*)?[*\s]*(?:Cơ quan thực hiện|Thực hiện):[*\s]*(.*)$")


def sections() -> dict[str, list[str]]:
    """Section id (II.1.1 … II.2.8, III) -> its non-blank lines, as the plan writes them (NFC)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in (nfc(x) for x in PLAN_TEXT.read_text(encoding="utf-8").splitlines()):
        line = line.lstrip("* ").strip() if line.startswith("* III") else line
        if line.startswith("Trên đây là Kế hoạch"):
            break
        if m := HEADING.match(line):
            current = "III" if m[3] else f"II.{m[1]}.{m[2]}"
            found[current] = []
        elif current and line:
            found[current].append(line)
    return found


def task_paragraphs(section: str, lines: list[str]) -> list[str]:
    if section == "III":
        return [re.sub(r"^\d\.\s*", "", x) for x in lines if re.match(r"^\d\.\s", x)]
    dashed = [x[2:] for x in lines if x.startswith("- ") and "Thời gian" not in x]
    if dashed:
        return dashed
    body = [x for x in lines if not x.startswith(("*", "a)", "b)"))]
    return body[:1]


def test_every_task_of_the_plan_is_one_row_of_tasks_csv():
    table = plan.tasks()
    text = sections()
    assert sorted(text) == sorted(set(table["section"]))  # II.1.1–1.4, II.2.1–2.8, III: 13 sections
    assert len(text) == 13
    for section, lines in text.items():
        mine = table[table["section"] == section]
        paragraphs = task_paragraphs(section, lines)
        assert len(paragraphs) == len(mine), section
        for paragraph in paragraphs:
            matching = mine[[paragraph.startswith(nfc(q)) for q in mine["quote"]]]
            assert len(matching) == 1, (section, paragraph[:60])
    assert len(table) == 28


def _owners_named(line: str, owners) -> set[str]:
    return {row.id for row in owners.itertuples() if any(fold(s) in fold(line) for s in row.spellings.split("|"))}


def test_every_owner_on_the_plans_duty_lines_is_in_owners_csv_and_on_its_tasks():
    owners = plan.owners_table()
    table = plan.tasks()
    for section, lines in sections().items():
        duty_lines = [m[1] for x in lines if (m := DUTY.match(x))]
        if section == "III":  # III.1 names its owner in the task itself; III.2 is left to the same office
            duty_lines = [lines[0]]
        assert duty_lines, section
        named = set().union(*(_owners_named(x, owners) for x in duty_lines))
        assert all(_owners_named(x, owners) for x in duty_lines), section  # nobody on a duty line unknown
        on_tasks = set("|".join(table.loc[table["section"] == section, "owners"]).split("|"))
        assert named == on_tasks, section
    # each spelling is one the plan really uses, and one official is one row
    text = fold(PLAN_TEXT.read_text(encoding="utf-8"))
    for row in owners.itertuples():
        assert all(fold(s) in text for s in row.spellings.split("|")), row.id
    assert owners["name"].map(fold).is_unique


def test_deadlines_read_as_the_last_day_they_allow_or_as_recurring():
    assert plan.deadline_date("Quý I/2024") == date(2024, 3, 31)
    assert plan.deadline_date("Tháng 02/2024") == date(2024, 2, 29)
    assert plan.deadline_date("Trong năm 2024") == date(2024, 12, 31)
    assert plan.deadline_date("Thường xuyên") is None and plan.deadline_date("Hằng ngày") is None
    due = plan.tasks().set_index("id")["due"]
    assert due["II.1.1.c"].date() == date(2024, 3, 31) and due.isna()["II.2.7.a"]


def test_a_broken_tasks_file_names_file_row_and_column(tmp_path):
    (tmp_path / "owners.csv").write_text("id,name,spellings\nvp,Văn phòng,Văn phòng\n", encoding="utf-8")
    bad = tmp_path / "tasks.csv"
    bad.write_text(
        "# note\nid,section,quote,text,owners,deadline,codes\n"
        "A,II.1.1,q,t,vp,Trong năm 2024,\nB,II.1.1,q,t,vp|ghost,Quý I/2024,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceFileError, match=r"tasks.csv: row 4, column 'owners': owner id 'ghost'"):
        plan.tasks(bad)
    bad.write_text("id,section,quote,text,owners,deadline,codes\nA,II.1.1,q,t,vp,sớm,\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError, match=r"row 2, column 'deadline': deadline 'sớm'"):
        plan.tasks(bad)


def test_owners_by_index_keep_their_callers_shape():
    owners = plan.owners("papi")
    assert sorted(owners) == [f"D{i}" for i in range(1, 9)]
    assert owners["D4"] == "Công chức Tư pháp – Hộ tịch; Công chức Văn phòng – Thống kê"
    assert "Bộ phận một cửa UBND phường" in plan.owners("service")["2.1"]
