"""Text normalisation shared by every reader and report: NFC, accent-folded keys, ASCII slugs."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import overload

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@overload
def nfc(value: str) -> str: ...
@overload
def nfc(value: object) -> object: ...
def nfc(value: object) -> object:
    """NFC-normalise a string and trim it; other values pass through unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics; Đ/đ do not decompose, so they are mapped explicitly."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16, typed=True)  # typed: True, 1 and 1.0 are equal keys but fold differently
def fold(text: object) -> str:
    """Matching key: no accents, no case, no spaces, line breaks or punctuation ("Mã hồ sơ" -> "mahoso").
    Remembered: the same statuses, yes/no words and headers are folded in every file of a province."""
    if text is None:
        return ""
    return _NON_ALNUM.sub("", strip_accents(str(text)).lower())


def slugify(text: str) -> str:
    """ASCII file-name slug ("Ninh Thạnh" -> "ninh-thanh")."""
    return _NON_ALNUM.sub("-", strip_accents(text).lower()).strip("-")
