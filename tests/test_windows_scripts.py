"""The Windows scripts: CRLF line endings (cmd.exe misparses blocks with LF), the conda environment activated,
a pause on an error so the window does not close before the analyst reads it."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["run_batch.bat", "lab.bat"])
def test_script_has_crlf_activates_and_pauses(name):
    raw = (ROOT / name).read_bytes()
    lines = raw.split(b"\n")[:-1]
    assert lines and all(line.endswith(b"\r") for line in lines), f"{name}: every line must end in CRLF"
    text = raw.decode("utf-8")
    assert "call conda activate chiso" in text
    assert "pause" in text


def test_gitattributes_keeps_crlf_for_batch_files():
    assert "*.bat text eol=crlf" in (ROOT / ".gitattributes").read_text(encoding="utf-8")
