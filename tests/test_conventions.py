"""docs/conventions.md lists every module of src/analysis/ with a line, and no module that is gone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "analysis"


def listed() -> set[str]:
    """Module paths of the layout block (``readers/cells.py``), rebuilt from its indentation."""
    text = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    block = text.split("```\nsrc/analysis/\n", 1)[1].split("```", 1)[0]
    found, package = set(), ""
    for line in block.splitlines():
        match = re.match(r"^(  +)(\S+)", line)
        if not match or match.group(2).startswith(("notebooks/", "data/", "tests/")):
            continue
        depth, name = len(match.group(1)) // 2, match.group(2)
        if depth == 1:
            package = name if name.endswith("/") else ""
            found.add(name.rstrip("/"))
        elif depth == 2 and package and name.endswith(".py"):
            found.add(package + name)
    return found


def in_tree() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "__init__.py":
            continue
        names.add(rel.removesuffix("/__init__.py") if rel.endswith("/__init__.py") else rel)
    return names


def test_every_module_has_its_line_and_every_line_a_module():
    assert in_tree() - listed() == set(), "modules without a line in docs/conventions.md"
    assert listed() - in_tree() == set(), "lines in docs/conventions.md naming modules that do not exist"
