"""Sources ingested in other processes give the same processed layer as one after another, and a user error
raised there reaches the CLI whole (the same one-line message)."""

from __future__ import annotations

import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from analysis import store
from analysis.errors import IngestError, ReferenceFileError
from analysis.ingest import runner


@pytest.mark.e2e
def test_sources_ingested_by_workers_give_the_same_tables_and_manifest(tmp_path, demo_export_set):
    raw = demo_export_set[0]
    runner.run(raw, tmp_path / "alone")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        runner.run(raw, tmp_path / "pool", pool)
    manifests = [json.loads((tmp_path / d / store.MANIFEST).read_text(encoding="utf-8")) for d in ("alone", "pool")]
    assert manifests[0]["sources"] == manifests[1]["sources"]
    assert manifests[0]["files"] == manifests[1]["files"]
    for source in runner.SOURCES:
        alone, pooled = (store.read_table(source, tmp_path / d) for d in ("alone", "pool"))
        pd.testing.assert_frame_equal(alone, pooled)
        pd.testing.assert_frame_equal(
            store.read_quarantine(source, tmp_path / "alone"), store.read_quarantine(source, tmp_path / "pool")
        )


@pytest.mark.parametrize(
    "error",
    [
        ReferenceFileError("units.csv", "slug trùng", row=4, column="slug"),
        ReferenceFileError("par/criteria_sets.csv", "không có bộ tiêu chí năm 2025"),
        IngestError("one_stop/a.xlsx: không tìm thấy dòng tiêu đề"),
    ],
)
def test_a_user_error_comes_back_from_a_worker_with_its_message_and_details(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error)
    assert vars(back) == vars(error)
