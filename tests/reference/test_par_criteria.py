"""PAR INDEX criteria sets: the shipped sample sets, tree checks with their messages, the year mapping, owners."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import ReferenceFileError
from analysis.reference import par as pc
from analysis.reference import par_tree

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "par"


def plain_rows(name: str) -> list[dict]:
    """The data rows of a shipped CSV read with the csv module (an independent reading)."""
    lines = [line for line in (REFERENCE / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.mark.parametrize("year", [2023, 2024])
def test_shipped_sets_are_valid_samples_of_100_points(year):
    criteria = pc.read_set(year)
    rows = plain_rows(f"criteria_{year}.csv")
    parents = {r["parent"] for r in rows if r["parent"]}
    # counted from the file itself: codes with no dot are fields, one dot criteria, two dots sub-criteria
    assert sum(r["code"].count(".") == 0 for r in rows) == 8
    assert sum(r["code"].count(".") == 1 for r in rows) == 34
    assert sum(r["code"].count(".") == 2 for r in rows) == 83
    assert sum(r["code"] not in parents for r in rows) == 85  # 83 sub-criteria + criteria 6.3 and 7.5
    assert sum(float(r["max_points"]) for r in rows if not r["parent"]) == 100
    assert criteria.status == "sample" and criteria.total_points == 100
    assert "SAMPLE" in (REFERENCE / f"criteria_{year}.csv").read_text(encoding="utf-8").splitlines()[0]
    tree = criteria.tree.set_index("code")
    assert tree.loc["3.4.1", "level"] == "subcriterion" and tree.loc["3.4", "level"] == "criterion"
    assert tree.loc["3", "level"] == "group" and tree.loc["3.4.1", "field"] == "3"
    assert bool(tree.loc["6.3", "is_leaf"]) and not bool(tree.loc["6", "is_leaf"])


def test_the_2024_set_moves_and_renumbers_as_documented():
    old, new = pc.read_set(2023).tree.set_index("code"), pc.read_set(2024).tree.set_index("code")
    # 3.4.3 (1 point) moved to 7.4.3: field 3 18 -> 17, field 7 12 -> 13
    assert (old.loc["3", "max_points"], new.loc["3", "max_points"]) == (18, 17)
    assert (old.loc["7", "max_points"], new.loc["7", "max_points"]) == (12, 13)
    assert new.loc["5.4.2", "name"] == old.loc["5.4.3", "name"]


def write_set(folder: Path, body: str, total: str = "5") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "criteria_sets.csv").write_text(
        f"# test sets\nyear,file,total_points,status,note\n2024,criteria_2024.csv,{total},sample,\n", encoding="utf-8"
    )
    (folder / "criteria_2024.csv").write_text(
        "# a test tree\ncode,parent,name,max_points,method,evidence\n" + body, encoding="utf-8"
    )
    return folder


GOOD = (
    "1,,Chỉ đạo,3,appraisal,\n1.1,1,Kế hoạch,2,appraisal,\n1.1.1,1.1,Ban hành,1,appraisal,\n"
    "1.1.2,1.1,Thực hiện,1,appraisal,\n1.2,1,Báo cáo,1,appraisal,\n2,,Khảo sát,2,survey,\n"
    "2.1,2,Hài lòng,2,survey,\n"
)


def test_a_good_tree_reads_with_levels_and_leaves(tmp_path):
    tree = pc.read_set(2024, write_set(tmp_path, GOOD)).tree.set_index("code")
    assert list(tree.index[tree["is_leaf"]]) == ["1.1.1", "1.1.2", "1.2", "2.1"]
    assert tree.loc["1.1.2", "depth"] == 3 and tree.loc["1.2", "level"] == "criterion"
    assert tree.loc["1.1.1", "line"] == 5  # line 1 comment, 2 header, 3 field 1, 4 criterion 1.1, 5: 1.1.1


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            GOOD.replace("1.1,1,Kế hoạch,2,", "1.1,1,Kế hoạch,2.5,").replace("1,,Chỉ đạo,3,", "1,,Chỉ đạo,3.5,"),
            "line 4, code 1.1: max_points 2.5 ≠ sum of its children's 2",
        ),
        (GOOD.replace("1.2,1,", "1.2,9,"), "code 1.2: its parent is not in the set"),
        (GOOD + "2.1,2,Lặp,1,survey,\n", "code 2.1: the code appears more than once"),
        (GOOD.replace("2.1,2,Hài lòng,2,survey", "2.1,2,Hài lòng,2,phỏng vấn"), "code 2.1: method 'phỏng vấn'"),
        (GOOD.replace("1.2,1,Báo cáo,1,", "1.2,1,Báo cáo,một,"), "max_points 'một' is not a number"),
        (GOOD + "3,3.1,Vòng,1,appraisal,\n3.1,3,Vòng,1,appraisal,\n", "the parent links form a cycle"),
    ],
)
def test_broken_trees_are_refused_naming_file_line_and_code(tmp_path, body, expected):
    with pytest.raises(ReferenceFileError) as caught:
        pc.read_set(2024, write_set(tmp_path, body))
    assert str(caught.value).startswith("criteria_2024.csv: ")
    assert expected in str(caught.value)


def test_fields_must_add_up_to_the_sets_total(tmp_path):
    with pytest.raises(ReferenceFileError, match="the fields add up to 5 points, not 100"):
        pc.read_set(2024, write_set(tmp_path, GOOD, total="100"))


def test_a_year_without_a_set_is_named(tmp_path):
    with pytest.raises(ReferenceFileError, match="no criteria set for 2025"):
        pc.read_set(2025, write_set(tmp_path, GOOD))


def test_points_with_a_decimal_comma_or_point():
    points, bad = pc.parse_points(pd.Series(["1,5", "0.75", 2, None, "x", " 3 "], dtype=object))
    assert points.tolist()[:3] == [1.5, 0.75, 2.0] and points.isna().tolist()[3:5] == [True, True]
    assert points.iloc[5] == 3.0 and bad.tolist() == [False, False, False, False, True, False]


# ---------------------------------------------------------------- the year mapping


def test_shipped_mapping_pairs_renumbered_moved_dropped_and_new():
    sets = pc.read_sets()
    pairs = pc.read_mapping(2023, 2024, sets)
    to_2024 = pairs.dropna(subset=["code_from"]).set_index("code_from")
    assert to_2024.loc["3.4.3", "code_to"] == "7.4.3" and to_2024.loc["3.4.3", "change"] == "moved"
    assert to_2024.loc["5.4.3", "code_to"] == "5.4.2" and to_2024.loc["5.4.3", "change"] == "renumbered"
    assert pd.isna(to_2024.loc["5.4.2", "code_to"]) and to_2024.loc["5.4.2", "change"] == "dropped"
    assert to_2024.loc["5.4.1", "code_to"] == "5.4.1" and to_2024.loc["5.4.1", "change"] == "same"
    from_2023 = pairs.dropna(subset=["code_to"]).set_index("code_to")
    assert from_2023.loc["5.4.2", "code_from"] == "5.4.3"  # not the 2023 criterion that had the same code
    assert pd.isna(from_2023.loc["5.4.3", "code_from"]) and from_2023.loc["5.4.3", "change"] == "new"
    # every code of each year stands exactly once on its side
    assert sorted(pairs["code_from"].dropna()) == sorted(sets[2023].tree["code"])
    assert sorted(pairs["code_to"].dropna()) == sorted(sets[2024].tree["code"])


def small_tree(codes: list[tuple[str, str | None, float]]) -> pd.DataFrame:
    raw = pd.DataFrame(
        {
            "code": [c for c, _, _ in codes],
            "parent": [p for _, p, _ in codes],
            "name": [f"tiêu chí {c}" for c, _, _ in codes],
            "max_points": [m for _, _, m in codes],
            "method": "appraisal",
            "line": range(2, 2 + len(codes)),
        },
        dtype=object,
    )
    return pc.build_tree(raw, None, "test.csv")


def test_unlisted_codes_without_a_counterpart_are_named_not_matched():
    before = small_tree([("1", None, 2), ("1.1", "1", 1), ("1.2", "1", 1)])
    after = small_tree([("1", None, 2), ("1.1", "1", 1), ("1.3", "1", 1)])
    pairs = par_tree.counterparts(pd.DataFrame(columns=["code_from", "code_to", "change", "note"]), before, after)
    rows = {
        (r.code_from if pd.notna(r.code_from) else None, r.code_to if pd.notna(r.code_to) else None): r.change
        for r in pairs.itertuples()
    }
    assert rows == {("1", "1"): "same", ("1.1", "1.1"): "same", ("1.2", None): "dropped", (None, "1.3"): "new"}


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"code_from": ["9.9"], "code_to": ["1.1"]}, "code 9.9 is not in the first year's set"),
        ({"code_from": ["1.1", "1.2"], "code_to": ["1.1", "1.1"]}, "code 1.1 is listed more than once"),
        ({"code_from": [None], "code_to": [None]}, "a row names no code"),
    ],
)
def test_a_broken_mapping_is_refused(mapping, message):
    tree = small_tree([("1", None, 2), ("1.1", "1", 1), ("1.2", "1", 1)])
    frame = pd.DataFrame(mapping, dtype=object).assign(change=None, note=None)
    with pytest.raises(par_tree.CriteriaError, match=message):
        par_tree.counterparts(frame, tree, tree)


# ---------------------------------------------------------------- owners and ratings


def test_an_empty_tree_has_no_lineage():
    """A period before any score of its year (2023Q2 when the 2023 scores are as of the year's end)."""
    pairs = par_tree.lineage(
        pd.DataFrame({"code": pd.Series([], dtype="string"), "parent": pd.Series([], dtype="string")})
    )
    assert pairs.empty and list(pairs.columns) == ["ancestor", "code", "distance"]


def test_owner_is_the_most_specific_listed_code():
    tree = pc.read_set(2024).tree
    listed = pd.DataFrame({"code": ["3", "3.2", "8.3.3"], "owner": ["Một cửa", "Văn phòng", "Công an"]})
    owners = par_tree.owner_of(tree, listed).set_axis(tree["code"])
    assert owners["3.4.1"] == "Một cửa"  # from field 3
    assert owners["3.2.1"] == "Văn phòng"  # from 3.2, more specific than 3
    assert owners["8.3.3"] == "Công an"  # its own row
    assert pd.isna(owners["6.3"])  # nothing listed above it


def test_par_owners_are_the_plans_officials_spelt_once(tmp_path):
    """PAR owners are ids of plan/owners.csv: "points per owner" cannot split one official over two spellings."""
    (tmp_path / "owners.csv").write_text(
        "code,owners,plan_section,basis\n3,mot-cua|chuyen-mon,II.1.1,plan\n3.1,chuyen-mon|mot-cua,II.1.2,plan\n",
        encoding="utf-8",
    )
    plan_owners = tmp_path / "plan_owners.csv"
    plan_owners.write_text(
        "id,name,spellings\nmot-cua,Bộ phận một cửa,một cửa\nchuyen-mon,Công chức chuyên môn,chuyên môn\n",
        encoding="utf-8",
    )
    owners = pc.read_owners(tmp_path, plan_owners).set_index("code")["owner"]
    assert owners["3"] == "Bộ phận một cửa; Công chức chuyên môn"
    assert set(owners["3.1"].split("; ")) == set(owners["3"].split("; "))


def test_ratings_are_read_highest_first():
    bands = pc.read_ratings()
    assert bands["rating"].tolist() == ["Tốt", "Khá", "Kém"] and bands["min_percent"].tolist() == [80, 60, 0]
