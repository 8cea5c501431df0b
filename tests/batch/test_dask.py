"""The batch on a dask.distributed cluster (--scheduler): a small LocalCluster in this process."""

from __future__ import annotations

import json

import pytest

from analysis import paths
from analysis.batch.run import run_batch
from analysis.periods import Period
from tests.batch.test_runs import UNITS, _consistent, _tiny_raw

pytestmark = pytest.mark.e2e

distributed = pytest.importorskip("distributed")


def test_a_batch_runs_on_a_local_dask_cluster(tmp_path):
    _tiny_raw(tmp_path / "raw")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        result = run_batch(
            Period.parse("2024Q2"),
            units=UNITS,
            notebooks=["10"],
            raw=tmp_path / "raw",
            processed=tmp_path / "processed",
            reports=tmp_path / "reports",
            notebooks_dir=paths.NOTEBOOKS,
            scheduler=cluster.scheduler_address,
            log=lambda *_: None,
        )
        # the batch shut its warm kernels down on the workers when it ended
        from analysis.batch import kernel

        assert kernel.shutdown_all() == 0
    assert result.ok, [(r.notebook, r.unit, r.error) for r in result.results if not r.ok]
    assert sorted(r.unit for r in result.results) == sorted(UNITS)
    period_dir = tmp_path / "reports" / "2024Q2"
    _consistent(period_dir)
    manifest = json.loads((period_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scheduler"] == cluster.scheduler_address and manifest["jobs"] == 2
    page = (period_dir / "ninh-thanh" / "10_service_index.html").read_text(encoding="utf-8")
    assert "<title>" in page and "Ninh Thạnh" in page
