"""One identity for a person: the key every duplicate check and every lookup by name uses.

«Иванова Мария», «ИВАНОВА  МАРИЯ», «Иванова\u00a0Мария», «Ивaнова Мария» (a Latin «a»),
«Иванова\u200bМария»-style invisible characters and «Артём»/«Артем» are one person.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# invisible characters people paste from Word and web pages
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)
# control characters (a cell's «_x0000_» reads as NUL, which PostgreSQL refuses in any text): gone,
# but for the whitespace among them, which splits words as a space does
_INVISIBLE.update(dict.fromkeys((c for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()), None))
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2212]")
# Latin letters that look like Cyrillic ones; applied only inside a word that has Cyrillic letters
_LOOKALIKES = str.maketrans("AaBCcEeHKkMOoPpTXxYy", "АаВСсЕеНКкМОоРрТХхУу")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def clean_text(value) -> str:
    """A cell's text as a person meant it: no invisible characters, single spaces (kept as typed
    otherwise: «№» stays «№»)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_INVISIBLE)
    return " ".join(text.split())


def _word(word: str) -> str:
    return word.translate(_LOOKALIKES) if _CYRILLIC.search(word) else word


def normalize_name(*parts) -> str:
    """The key of a person's name: equal keys mean the same person."""
    return _key(" ".join(str(p) for p in parts if p is not None and str(p).strip()))


@lru_cache(maxsize=65536)  # a 10,000-row file repeats the same school and list names on every row
def _key(raw: str) -> str:
    text = unicodedata.normalize("NFKC", clean_text(raw))
    text = _DASHES.sub("-", text)
    words = [_word(w) for w in text.split()]
    return " ".join(words).casefold().replace("ё", "е")
