"""pyproject.toml (pip) and environment.yml (conda) must ask for the same packages at the same versions."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    name, spec = _REQ.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_conda_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_side = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda_side = dict(
        _split(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))
    )
    conda_side.update(dict(_split(d) for d in env["dependencies"] if isinstance(d, str) and d.startswith("python-")))
    assert conda_side == pip_side
    python = next(d for d in env["dependencies"] if isinstance(d, str) and re.match(r"python\b(?!-)", d))
    assert python.replace("python", "") == project["requires-python"]
