"""Text helpers shared by every stage: NFC for what we show, a folded key for matching."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1 << 16)  # the same labels and headers recur in every file of a run
def fold(text: str) -> str:
    """Lower-case, no diacritics, đ→d: 'Huyện Đồng Hỷ' and 'huyen dong hy' fold alike."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().strip()
