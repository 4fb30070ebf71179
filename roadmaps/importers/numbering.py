"""Word's automatic list numbers, as a reader sees them.

A number typed by Word's list numbering («1.», «1.1.», «II.») is not part of a paragraph's text: python-docx
gives «Организационный этап», while the page shows «1. Организационный этап». Roadmaps number their
rows (the «№ п/п» column) and their paragraphs this way, so the numbers are rendered here from the
document's numbering definitions, in reading order, as Word counts them (one counter per list and
level; a level restarts under its parent; `start` and `startOverride` kept).
"""

from __future__ import annotations

import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"


def _val(element, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(f"{W}{tag}")
    return child.get(f"{W}val") if child is not None else None


def _roman(number: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            out += letters
            number -= value
    return out


def _format(number: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(number)
    if fmt == "lowerRoman":
        return _roman(number).lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (number - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("russianUpper", "russianLower"):
        letter = _RUSSIAN[(number - 1) % len(_RUSSIAN)]
        return letter.upper() if fmt == "russianUpper" else letter
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


class ListNumbers:
    """Renders the list number of each paragraph; call `label(p_element)` in reading order."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, fmt, text)
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str | None, int]] = {}
        self.seen: dict = {}  # paragraph element → its label (the element kept alive: one proxy per node)
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in numbering.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                levels[ilvl] = (
                    int(_val(lvl, "start") or 1),
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                )
            abstract[node.get(f"{W}abstractNumId", "")] = levels
        for node in numbering.findall(f"{W}num"):
            levels = dict(abstract.get(_val(node, "abstractNumId") or "", {}))
            for override in node.findall(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = _val(override, "startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = (int(start), levels[ilvl][1], levels[ilvl][2])
            self.levels[node.get(f"{W}numId", "")] = levels
        try:
            styles = document.styles.element
        except AttributeError:
            return
        for style in styles.findall(f"{W}style"):
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                self.style_numbering[style.get(f"{W}styleId", "")] = (
                    _val(numpr, "numId"),
                    int(_val(numpr, "ilvl") or 0),
                )

    def _numpr(self, p) -> tuple[str | None, int]:
        ppr = p.find(f"{W}pPr")
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        style = _val(ppr, "pStyle") if ppr is not None else None
        num_id, ilvl = self.style_numbering.get(style or "", (None, 0))
        if numpr is not None:
            num_id = _val(numpr, "numId") or num_id
            ilvl = int(_val(numpr, "ilvl") or ilvl)
        return num_id, ilvl

    def label(self, p) -> str:
        """The number Word shows before paragraph element `p` («1.», «2.1.», «IV.»), or ""."""
        if not self.levels:
            return ""
        key = p
        if key in self.seen:  # a merged cell read twice
            return self.seen[key]
        num_id, ilvl = self._numpr(p)
        levels = self.levels.get(num_id or "")
        if not num_id or num_id == "0" or not levels or ilvl not in levels:
            self.seen[key] = ""
            return ""
        start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            self.seen[key] = ""
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]

        def level_value(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            value = counters.get(level, levels.get(level, (1, "decimal", ""))[0])
            return _format(value, levels.get(level, (1, "decimal", ""))[1] if level != ilvl else fmt)

        label = re.sub(r"%(\d)", level_value, text).strip()
        self.seen[key] = label
        return label
