"""Deterministic demo exports, laid out as real exports are (``<out>/<source>/demo_*``)."""
