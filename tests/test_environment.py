"""pyproject.toml (pip) and environment.yml (conda) must ask for the same packages at the same versions."""

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    name, spec = _REQ.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _conda_side(name: str) -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    side = dict(_split(d) for d in deps if not d.startswith(("python", "pip")) or d.startswith("python-"))
    return side, deps


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_analysts_environment_matches_pyproject_without_test_tools():
    project = _pyproject()
    conda_side, deps = _conda_side("environment.yml")
    assert conda_side == dict(_split(r) for r in project["dependencies"])
    python = next(d for d in deps if re.match(r"python\b(?!-)", d))
    assert python.replace("python", "") == project["requires-python"]


def test_developers_environment_adds_the_test_extra():
    project = _pyproject()
    conda_side, _ = _conda_side("environment-dev.yml")
    assert conda_side == dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])


# import name -> distribution name, where they differ
_DISTRIBUTION = {"yaml": "pyyaml", "python_calamine": "python-calamine", "IPython": "ipython"}


def _imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_imported_package_is_declared():
    """What src/ and the notebooks import is declared (the optional dask path in its extra)."""
    found = set()
    for path in (ROOT / "src").rglob("*.py"):
        found |= _imports(path.read_text(encoding="utf-8"))
    for path in (ROOT / "notebooks").rglob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                found |= _imports("".join(cell["source"]))
    third_party = {name for name in found if name not in sys.stdlib_module_names and name != "analysis"}
    project = _pyproject()
    declared = {_split(r)[0] for r in project["dependencies"]}
    declared |= {_split(r)[0] for extra in project["optional-dependencies"].values() for r in extra}
    missing = sorted(n for n in third_party if _DISTRIBUTION.get(n, n).lower().replace("_", "-") not in declared)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
