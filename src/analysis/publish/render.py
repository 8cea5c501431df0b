"""Executed notebook -> one self-contained Vietnamese HTML report: no code, no prompts, no parameters cell,
images embedded, no remote script or stylesheet. Same notebook in, same bytes out."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import nbformat

from analysis import fmt
from analysis.report.html import DEMO_TEXT

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove_cell"}
_TITLE = re.compile(r'<h1 class="chiso-title">(.*?)</h1>', re.S)
_HEADING = re.compile(r"^#{1,4}\s+(.+)$", re.M)


def _html_outputs(nb: nbformat.NotebookNode):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            yield "".join(html) if isinstance(html, list) else html


def report_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The title the report's header cell printed (context.start), else ``fallback``."""
    for html in _html_outputs(nb):
        if match := _TITLE.search(html):
            return unescape(match.group(1))
    return fallback


def clean_for_report(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop parameter cells and cells tagged remove_cell; clear papermill's run metadata from the copy."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))]
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def keep_units_together(nb: nbformat.NotebookNode) -> None:
    """Non-breaking space between every number and its unit, in HTML outputs and markdown text."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = fmt.keep_units(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                html = data["text/html"]
                data["text/html"] = fmt.keep_units("".join(html) if isinstance(html, list) else html)


def describe_images(nb: nbformat.NotebookNode) -> None:
    """Give every chart a Vietnamese alt text: "Biểu đồ: " and the heading of the section it is in."""
    section = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings = _HEADING.findall(cell.source)
            section = headings[-1].strip() if headings else section
            continue
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                meta = output.setdefault("metadata", {}).setdefault("image/png", {})
                meta["alt"] = f"Biểu đồ: {section}" if section else "Biểu đồ"


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="chiso",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="vi",
        embed_images=True,
    )
    cleaned = clean_for_report(nb)
    cleaned.metadata["title"] = title
    describe_images(cleaned)
    keep_units_together(cleaned)
    # A demo report also gets the banner as a repeating table header for print, where a fixed element would
    # cover the first lines of every page.
    demo_text = DEMO_TEXT if any('class="chiso-demo"' in html for html in _html_outputs(cleaned)) else ""
    body, _ = exporter.from_notebook_node(
        cleaned, resources={"metadata": {"name": title}, "chiso_demo_text": demo_text}
    )
    return body


def render_file(executed: Path, target: Path, fallback_title: str) -> str:
    """Render ``executed`` to ``target``; returns the title used."""
    nb = nbformat.read(executed, as_version=4)
    title = report_title(nb, fallback_title)
    target.write_text(to_html(nb, title), encoding="utf-8")
    return title
