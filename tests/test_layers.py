"""Data flows one way: no module imports a module of a later layer (utilities → readers → store → reference →
ingest → indicators → collect → report → publish → batch → CLI and demo), and no module imports itself through
others (no cycle, inside a layer too). Read from the source with ``ast``, so an
import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"

# Earlier layers first; a module is placed by the longest prefix listed here and every module must be placed
# (no catch-all: a new top-level module fails test_every_module_has_a_layer until it is given its place).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # Leaf helpers without project data: errors, text, paths, periods, values, number formatting.
    (
        "utilities",
        ("analysis.errors", "analysis.text", "analysis.paths", "analysis.periods", "analysis.values", "analysis.fmt"),
    ),
    # Reading sheets and text files, shared by reference files and exports, with the scrubber of what they quote.
    ("readers", ("analysis.readers",)),
    # The processed layer: table contracts, the store that checks them, the per-file-version cache, the sources.
    ("store", ("analysis.store",)),
    ("reference", ("analysis.reference",)),
    ("ingest", ("analysis.ingest",)),
    ("indicators", ("analysis.indicators",)),
    ("collect", ("analysis.collect",)),
    ("report", ("analysis.report",)),
    ("publish", ("analysis.publish",)),
    ("batch", ("analysis.batch",)),
    ("entry points", ("analysis.__main__", "analysis.demo", "analysis")),
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


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {
        module: {name for name in imports(path, module) if name in known and name != module}
        for module, path in known.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(group) for group in found)


def test_the_cycle_check_finds_a_cycle():
    """The check itself, on a made-up graph: a → b → c → a is one cycle, d → a is none."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_leaf_utilities_at_the_top():
    """The top level of the package shows the architecture: stage packages, leaf utilities and the entry point."""
    loose = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")
    assert loose == ["__main__", "errors", "fmt", "paths", "periods", "text", "values"]
