"""The quarterly batch: jobs (``jobs``), orchestration and publishing a complete run (``run``, ``runs``), the
warm kernels and the worker pool they live in (``kernel``, ``workers``), and the run's manifest (``manifest``)."""
