"""Data flows one way: no module imports a module of a later layer (raw utilities → reference → ingest →
indicators → collect → report → batch, render, index page, CLI, demo). Read from the source with ``ast``, so an
import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"

# Earlier layers first. A module is placed by the longest prefix listed here; every module must be placed.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # Pure helpers without project data: errors, text, paths, periods, number formatting, the processed-table
    # contracts and the store that checks them (with the per-file-version cache it reads through), the PAR
    # criteria tree, and the table readers that both reference files and exports go through, with the scrubber
    # that masks what they quote.
    (
        "utilities",
        (
            "analysis.errors",
            "analysis.text",
            "analysis.paths",
            "analysis.periods",
            "analysis.values",
            "analysis.fmt",
            "analysis.schemas",
            "analysis.file_cache",
            "analysis.store",
            "analysis.par_tree",
            "analysis.ingest.tables",
            "analysis.ingest.scrub",
        ),
    ),
    ("reference", ("analysis.reference", "analysis.units")),
    ("ingest", ("analysis.ingest",)),
    ("indicators", ("analysis.indicators",)),
    ("collect", ("analysis.collect",)),
    ("report", ("analysis.report",)),
    (
        "top",
        (
            "analysis.batch",
            "analysis.workers",
            "analysis.render",
            "analysis.index_page",
            "analysis.__main__",
            "analysis.demo",
            "analysis",
        ),
    ),
]


def layer_of(module: str) -> int:
    matches = [
        (len(prefix), rank)
        for rank, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    if not matches:
        raise AssertionError(f"{module} is in no layer; add it to LAYERS")
    return max(matches)[1]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, module: str) -> set[str]:
    """The analysis modules ``path`` imports (``from analysis import x`` names module ``analysis.x``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    known = modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: climb from the module's package
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name == "analysis" or name.startswith("analysis.")}


def test_every_module_has_a_layer():
    for module in modules():
        layer_of(module)


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_import_against_the_flow(module):
    path, rank = modules()[module], layer_of(module)
    against = sorted(f"{name} ({LAYERS[layer_of(name)][0]})" for name in imports(path, module) if layer_of(name) > rank)
    assert not against, f"{module} ({LAYERS[rank][0]}) imports a later layer: {', '.join(against)}"


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """The check itself: a late import inside a function is found, and ``from analysis import x`` names x."""
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from analysis import batch\n    import analysis.report.html\n", encoding="utf-8")
    assert imports(source, "analysis.ingest.m") == {"analysis.batch", "analysis.report.html"}
