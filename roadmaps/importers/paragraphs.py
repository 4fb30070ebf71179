"""A roadmap written as numbered paragraphs instead of a table.

Some schools publish their plan as a list under its heading: «1. Организационный этап», «1.1. Издание
приказа … – сентябрь 2021 г. Ответственный: директор.», «2.1. Анкетирование … Срок: ежегодно,
сентябрь. Ответственные: …». A person reads it as the same table: the number, the activity, its
deadline and who is responsible. `paragraph_table` builds that table (a header row and one row per
paragraph) so that everything after it — sections, activities, deadlines — is read by the same rules
as any table.
"""

from __future__ import annotations

import re

from roadmaps.importers.meta import TITLE_WORDS
from roadmaps.importers.table import RawRow, deadline_in_text

HEADER = ["№ п/п", "Мероприятие", "Срок", "Ответственный"]
NUMBERED = re.compile(r"^\s*(?P<number>\d{1,2}(?:\.\d{1,3})*[.)]?|[IVX]{1,4}\.)\s+(?P<text>\S.*)$")
RESPONSIBLE = re.compile(
    r"[,;]?\s*\(?(?:ответственн\w*|отв\.|исполнител\w*)(?:\s+за\s+исполнение)?\s*[:–—-]\s*(?P<who>[^:]+?)\s*\)?\s*[.;]?\s*$",
    re.I,
)
# where the list ends: a signature line, a blank to sign, an appendix or a list of another kind
END = re.compile(r"_{3,}|^\s*(?:приложени|лист\s+ознакомлени|согласован|с\s+приказом\s+ознакомлен)", re.I)
MIN_ACTIVITIES = 3


SECTION_WORDS = re.compile(r"^\s*(?:раздел|этап|блок|направление|модуль)\b|^\s*[IVX]{1,4}\.\s", re.I)


def _row(cells: list[str], where: str) -> RawRow:
    return RawRow(cells=cells, distinct=cells, merged_across=False, where=where, origin=list(range(len(cells))))


def _section(text: str, where: str) -> RawRow:
    text = text.strip().rstrip(".:")
    return RawRow(
        cells=[text] * len(HEADER), distinct=[text], merged_across=True, where=where, origin=[0] * len(HEADER)
    )


def _is_heading_line(line: str, following: str | None) -> bool:
    """An unnumbered line between numbered paragraphs that titles the next ones («Организационный этап»)."""
    line = line.strip()
    if not line or len(line) > 150 or line.endswith((".", ",", ";")) or not line[:1].isupper():
        return False
    return following is not None and NUMBERED.match(following) is not None


def _split(text: str) -> tuple[str, str, str]:
    """(activity, deadline, responsible) of one paragraph."""
    who = ""
    m = RESPONSIBLE.search(text)
    if m:
        who = m.group("who").strip()
        text = text[: m.start()].strip()
    deadline = deadline_in_text(text)
    title = text
    if deadline:
        cut = text.rfind(deadline)
        head = text[:cut] if cut > 0 else text
        head = re.sub(r"(?:[\s.,;(]*срок(?:и)?(?:\s+\w+)?\s*[:–—-]?|\s*[–—-]|[,(])\s*$", "", head, flags=re.I).strip()
        title = head.rstrip(" .,;:–—-") or text
    return title, deadline, who


def paragraph_table(lines: list[str]) -> tuple[int, int, list[RawRow]] | None:
    """(first line, line after the list, rows) of a roadmap written as numbered paragraphs, or None."""
    heading = None
    for index, line in enumerate(lines):
        if TITLE_WORDS.search(line) and not NUMBERED.match(line):
            heading = index
    if heading is None:
        return None
    start = next((i for i in range(heading + 1, len(lines)) if NUMBERED.match(lines[i])), None)
    if start is None:
        return None
    above = lines[start - 1] if start - 1 > heading else ""
    if (SECTION_WORDS.match(above) and len(above) <= 150) or (
        _is_heading_line(above, lines[start]) and not re.search(r"\d|[«\"]", above) and not TITLE_WORDS.search(above)
    ):
        start -= 1  # «Раздел 1. …», «Организационный этап» above the first numbered paragraph
    items: list[tuple[str | None, str]] = []  # (number, text); None for an unnumbered section title
    stop = len(lines)
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line:
            continue
        m = NUMBERED.match(line)
        if m is None:
            following = next((x for x in lines[index + 1 :] if x.strip()), None)
            if END.search(line):
                stop = index
                break
            if SECTION_WORDS.match(line) or _is_heading_line(line, following):
                items.append((None, line))
                continue
            if not items or items[-1][0] is None:
                stop = index
                break
            number, text = items[-1]
            items[-1] = (number, f"{text} {line}")  # the paragraph goes on in the next line
            continue
        items.append((m.group("number"), m.group("text").strip()))
    nested = any("." in (number or "").strip(".") for number, _ in items)
    rows = [_row(list(HEADER), "абзацы, заголовок")]
    activities = 0
    for position, (number, text) in enumerate(items, start=1):
        where = f"абзац {position} списка мероприятий"
        if number is None:
            rows.append(_section(text, where))
            continue
        top_level = "." not in number.strip(".")
        title, deadline, who = _split(text)
        if (nested and top_level and not deadline and not who) or number.startswith(tuple("IVX")):
            rows.append(_section(f"{number} {text}", where))
            continue
        rows.append(_row([number, title, deadline, who], where))
        activities += 1
    if activities < MIN_ACTIVITIES or not any(r.cells[2] for r in rows[1:]):
        return None
    return start, stop, rows
