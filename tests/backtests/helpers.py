"""Shared by the notebook tests: run a report notebook through papermill as the batch does, read its outputs."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import nbformat
import papermill

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def execute(name: str, out: Path, **parameters) -> nbformat.NotebookNode:
    """Execute ``notebooks/<name>`` with these parameters into ``out`` and return the executed notebook."""
    papermill.execute_notebook(
        str(NOTEBOOKS / name), str(out), kernel_name="python3", progress_bar=False, parameters=parameters
    )
    return nbformat.read(out, as_version=4)


def output_text(nb: nbformat.NotebookNode) -> str:
    """Every output as plain text (HTML tags removed, entities unescaped), in cell order."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(data.get("text/html", "") or data.get("text/plain", "") or output.get("text", ""))
    return unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts)))


def errors(nb: nbformat.NotebookNode) -> list:
    return [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def images(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
