"""find_repeats on tiny tables whose outcome is worked out by hand."""

import pandas as pd

from analysis.ingest.duplicates import find_repeats


def frame(**columns):
    return pd.DataFrame({name: pd.array(values, dtype="string") for name, values in columns.items()})


def test_agreeing_copies_keep_the_first_and_conflicts_name_the_columns():
    table = frame(
        id=["A", "B", "A", "C", "B", "A", None, None],
        x=["1", "2", "1", "3", "2", "1", "5", "5"],
        y=["p", "q", "p", "r", "z", "p", None, None],
    )
    # A: rows 0, 2, 5 agree -> 2 and 5 are copies of 0. B: rows 1, 4 differ in y only -> both conflict.
    # C: once. Blank ids (6, 7) are never repeats, even with equal values.
    found = find_repeats(table, "id", ["id", "x", "y"])
    assert found.duplicate.tolist() == [False, False, True, False, False, True, False, False]
    assert found.kept_row.tolist()[2] == 0 and found.kept_row.tolist()[5] == 0
    assert found.kept_row.isna().tolist() == [True, True, False, True, True, False, True, True]
    assert found.conflict.tolist() == [False, True, False, False, True, False, False, False]
    assert found.differing[1] == "y" and found.differing[4] == "y"


def test_all_differing_columns_are_named_and_blank_differs_from_a_value():
    table = frame(id=["A", "A"], x=["1", "2"], y=["p", None], z=["s", "s"])
    found = find_repeats(table, "id", ["x", "y", "z"])
    assert found.differing.tolist() == ["x, y", "x, y"]


def test_a_column_one_file_lacks_is_not_a_disagreement():
    table = frame(
        id=["A", "A", "B", "B"], x=["1", "1", "2", "2"], y=["p", None, None, "q"], file=["f1", "f2", "f1", "f2"]
    )
    # f2 has no column y: A agrees (its y is borrowed from f1's copy). f1 has y, blank for B, but f2 lacks y,
    # so B agrees as well.
    found = find_repeats(table, "id", ["x", "y"], origin="file", carried={"f1": {"x", "y"}, "f2": {"x"}})
    assert found.duplicate.tolist() == [False, True, False, True]
    assert not found.conflict.any()
    # when both files have y, A's blank in f2 and B's blank in f1 are disagreements
    both = find_repeats(table, "id", ["x", "y"], origin="file", carried={"f1": {"x", "y"}, "f2": {"x", "y"}})
    assert both.conflict.tolist() == [True, True, True, True]


def test_no_repeats():
    found = find_repeats(frame(id=["A", "B"], x=["1", "1"]), "id", ["x"])
    assert not found.duplicate.any() and not found.conflict.any()
