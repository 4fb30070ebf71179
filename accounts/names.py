"""One identity for a person: the key every duplicate check and every lookup by name uses.

«Иванова Мария», «ИВАНОВА  МАРИЯ», «Иванова\u00a0Мария», «Ивaнова Мария» (a Latin «a»),
«Иванова\u200bМария»-style invisible characters and «Артём»/«Артем» are one person.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# invisible characters people paste from Word and web pages: every «format» character of Unicode
# (zero-width spaces and joiners, soft hyphen, byte-order mark, word joiner, the direction marks,
# embeddings, overrides and isolates of right-to-left text, invisible operators, tags), the
# variation selectors and the combining grapheme joiner, and the fillers that render as nothing
# (Unicode 14's category Cf, written out: computing it costs every process a seventh of a second)
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_INVISIBLE: dict[int, None] = {c: None for first, last in _INVISIBLE_RANGES for c in range(first, last + 1)}
# control characters (a cell's «_x0000_» reads as NUL, which PostgreSQL refuses in any text): gone,
# but for the whitespace among them, which splits words as a space does
_INVISIBLE.update(dict.fromkeys((c for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()), None))
_KEEP_LINES = {c: None for c in _INVISIBLE if chr(c) not in "\t\n\r"}
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2212]")
# Latin letters that look like Cyrillic ones; applied only inside a word that has Cyrillic letters
_LOOKALIKES = str.maketrans("AaBCcEeHKkMOoPpTXxYy", "АаВСсЕеНКкМОоРрТХхУу")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


# a stress mark (acute or grave) over a Cyrillic letter, as dictionaries and some lists print names:
# «Ива́нова» is «Иванова»
_STRESS = re.compile(r"([\u0400-\u04ff])[\u0300\u0301]")


def clean_text(value) -> str:
    """A cell's text as a person meant it: no invisible characters, no stress marks, single spaces
    (kept as typed otherwise: «№» stays «№»)."""
    if value is None:
        return ""
    text = str(value).translate(_INVISIBLE)
    if not text.isascii():
        if "\u0300" in text or "\u0301" in text or "\u0450" in text or "\u045d" in text:
            text = _STRESS.sub(r"\1", unicodedata.normalize("NFD", text))
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def strip_invisible(text: str) -> str:
    """`text` without invisible (format) characters and control characters but for line breaks and tabs."""
    return text.translate(_KEEP_LINES)


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
