"""The I/O edge of the indicators: read processed tables and reference files, call the pure functions.

One module per index, each with ``rows(processed: Path, period: Period) -> long-format frame`` for every unit.
"""
