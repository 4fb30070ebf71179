"""Grammatical cases of a municipality's name for documents («Аналитический отчёт … города Норильска»,
«в Нижневартовском районе»).

pymorphy3 (OpenCorpora dictionary) inflects single words well, including place names («Норильск» →
«Норильска», «Пермь» → «Перми», «Сочи» unchanged, «Набережные Челны» → «Набережных Челнов»). Measured
on the classes of official names it is not reliable on its own, so these rules decide what is inflected:

1. Text in quotes («Город Лесной») is a proper name and is never inflected.
2. Official descriptors «городской округ», «муниципальный округ», «муниципальный район»,
   «муниципальное образование», «городское/сельское поселение», «ЗАТО» + a name: only the descriptor is
   inflected, the name after it stays as registered («администрации городского округа город Уфа»).
   pymorphy3 alone read «городской» as a feminine genitive and gave «городской округа …».
3. «город X»: both words are inflected («города Норильска»), except names of the «-о/-е/-и» kind
   that literary usage keeps unchanged after a generic word («в городе Пушкино»).
4. Adjective + noun («Нижневартовский район», «Таймырский Долгано-Ненецкий муниципальный район»): every
   word is inflected in agreement with the last noun.

Capital letters are kept as written (hyphenated parts too). The result is a default: the admin can
correct it on the municipality's page, and a typed value is never overwritten.
"""

from __future__ import annotations

import re
from functools import lru_cache

CASES = {"genitive": "gent", "prepositional": "loct"}

# descriptor words (lower case) → their forms; these are fixed, so no dictionary guess is involved
_DESCRIPTORS: list[tuple[tuple[str, ...], dict[str, str]]] = [
    (("городской", "округ"), {"gent": "городского округа", "loct": "городском округе"}),
    (("муниципальный", "округ"), {"gent": "муниципального округа", "loct": "муниципальном округе"}),
    (("муниципальный", "район"), {"gent": "муниципального района", "loct": "муниципальном районе"}),
    (("муниципальное", "образование"), {"gent": "муниципального образования", "loct": "муниципальном образовании"}),
    (("городское", "поселение"), {"gent": "городского поселения", "loct": "городском поселении"}),
    (("сельское", "поселение"), {"gent": "сельского поселения", "loct": "сельском поселении"}),
    (("зато",), {"gent": "ЗАТО", "loct": "ЗАТО"}),
]
_GENERIC = {"город": {"gent": "города", "loct": "городе"}, "село": {"gent": "села", "loct": "селе"}}
_INDECLINABLE_AFTER_GENERIC = re.compile(r"(о|е|и|ы|у|ю)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _keep_case(original: str, inflected: str) -> str:
    """Copy the capitalization of each hyphen-separated part of `original` onto `inflected`."""
    src, dst = original.split("-"), inflected.split("-")
    if len(src) != len(dst):
        return inflected[:1].upper() + inflected[1:] if original[:1].isupper() else inflected
    out = []
    for s, d in zip(src, dst, strict=True):
        if s.isupper() and len(s) > 1:
            out.append(d.upper())
        elif s[:1].isupper():
            out.append(d[:1].upper() + d[1:])
        else:
            out.append(d)
    return "-".join(out)


def _pick(word: str, pos: set[str], gender: str | None = None, number: str | None = None, *, geo: bool = True):
    parses = [p for p in _analyzer().parse(word) if p.tag.POS in pos and p.tag.case == "nomn"]
    if gender or number:
        agreeing = [
            p
            for p in parses
            if (number == "plur" and p.tag.number == "plur") or (number != "plur" and gender in (p.tag.gender, None))
        ]
        parses = agreeing or parses
    if not geo:  # an object's name: the common noun («пара», «кампания»), not a place
        return ([p for p in parses if "Geox" not in p.tag] or parses or [None])[0]
    geox = [p for p in parses if "Geox" in p.tag]
    return (geox or parses or [None])[0]


def _inflect_word(word: str, case: str, pos: set[str], gender=None, number=None) -> str:
    parse = _pick(word, pos, gender, number)
    if parse is None:
        return word
    if "Fixd" in parse.tag:
        return word
    form = parse.inflect({case} | ({number} if number == "plur" else set()))
    return _keep_case(word, form.word) if form else word


def _inflect_phrase(words: list[str], case: str) -> list[str]:
    """Adjectives agree with the last noun of the phrase; nouns are inflected on their own."""
    head = None
    for w in reversed(words):
        head = _pick(w, {"NOUN"})
        if head is not None:
            break
    gender = head.tag.gender if head is not None else "masc"
    number = head.tag.number if head is not None else "sing"
    out = []
    for w in words:
        noun = _pick(w, {"NOUN"})
        adjective = _pick(w, {"ADJF"}, gender, number)
        if adjective is not None and (noun is None or w is not words[-1]):
            out.append(_inflect_word(w, case, {"ADJF"}, gender, number))
        elif noun is not None:
            out.append(_inflect_word(w, case, {"NOUN"}, noun.tag.gender, noun.tag.number))
        else:
            out.append(w)
    return out


def inflect_name(name: str, case: str) -> str:
    """`case` is "genitive" or "prepositional". Never raises: an unknown shape comes back unchanged."""
    tag = CASES[case]
    text = " ".join(name.split())
    if not text:
        return text
    # 1. a quoted part is kept whole: inflect only what stands before it
    quote = re.search(r"[«\"“]", text)
    head, tail = (text[: quote.start()].strip(), text[quote.start() :]) if quote else (text, "")
    words = head.split()
    lower = [w.lower() for w in words]
    # 2. official descriptors: inflect the descriptor, keep the registered name
    for descriptor, forms in _DESCRIPTORS:
        n = len(descriptor)
        if tuple(lower[:n]) == descriptor:
            form = forms[tag]
            if words[0][:1].isupper() and form[:1].islower():
                form = form[:1].upper() + form[1:]
            return " ".join([form, *words[n:], tail]).strip()
        # «Нижневартовский муниципальный район»: adjective(s) before the descriptor
        if n == 2 and len(words) > n and tuple(lower[-n:]) == descriptor and not tail:
            return " ".join(_inflect_phrase(words, tag))
    if tail:
        # «город «Лесной»» and the like: the generic word is inflected, the quoted name is not
        if len(words) == 1 and lower[0] in _GENERIC:
            return f"{_keep_case(words[0], _GENERIC[lower[0]][tag])} {tail}"
        return text
    # 3. «город X»
    if len(words) >= 2 and lower[0] in _GENERIC:
        generic = _keep_case(words[0], _GENERIC[lower[0]][tag])
        rest = words[1:]
        if len(rest) == 1 and _INDECLINABLE_AFTER_GENERIC.search(rest[0]) and "-" not in rest[0]:
            parse = _pick(rest[0], {"NOUN"})
            # feminine «-ь»/«-а» names decline («Перми», «Москвы»); neuter «-о/-е» do not after «город»
            if parse is None or parse.tag.gender == "neut" or "Fixd" in parse.tag:
                return " ".join([generic, *rest])
        return " ".join([generic, *_inflect_phrase(rest, tag)])
    # 4. a bare name or an adjective + noun phrase
    return " ".join(_inflect_phrase(words, tag))


# Object names in the admin's phrases («Добавить организацию», «Выберите пару для изменения»,
# «Удаление организации …», «удалить выбранных наставников»)
OBJECT_CASES = {"nominative": "nomn", "accusative": "accs", "genitive": "gent"}
_WORD = re.compile(r"[А-Яа-яЁё-]+")


def _modifier_form(word: str, wanted: set[str], gender: str | None, number: str):
    adjective = _pick(word.lower(), {"ADJF", "PRTF"}, gender, number, geo=False)
    return adjective.inflect(wanted) if adjective is not None else None


def _case_set(case: str, number: str, gender: str | None, animacy: set[str]) -> set[str]:
    wanted = {case, number}
    if number == "sing" and gender:
        wanted.add(gender)
    if case == "accs" and (number == "plur" or gender == "masc"):
        wanted |= animacy  # «выбранных наставников», «выбранного наставника», «выбранные пары»
    return wanted


def _inflect_head_phrase(
    words: list[str], case: str, plural: bool, lead: str = "", *, after_few: bool = False
) -> tuple[list[str], str]:
    """Inflect the words up to and including the phrase's first noun (its head), a «(word)» right
    after it and an «и …» coordinated with it; what depends on the head in the genitive stays.
    Returns the words and the `lead` (a participle such as «выбранный») agreeing with the head.
    `after_few`: the phrase follows «2», «3», «4» (`case` genitive, singular): the nouns stay in the
    genitive singular, the words before the head go plural — nominative with a feminine head
    («две наставнические пары»), genitive otherwise («три целевых показателя»)."""
    head_index = None
    head = None
    for index, word in enumerate(words):
        if not _WORD.fullmatch(word):
            break
        parse = _pick(word.lower(), {"NOUN"}, geo=False)
        adjective = _pick(word.lower(), {"ADJF", "PRTF"}, geo=False)
        last = index == len(words) - 1
        if parse is not None and (
            adjective is None or last or _pick(words[index + 1].lower(), {"NOUN"}, geo=False) is None
        ):
            head_index, head = index, parse
            break
    if head is None or head_index is None:
        # a substantivized participle or adjective («наставляемый»): a person, masculine
        if len(words) == 1 and _WORD.fullmatch(words[0]) and _pick(words[0].lower(), {"ADJF", "PRTF"}, geo=False):
            number = "plur" if plural or after_few else "sing"  # «3 наставляемых», as an adjective
            wanted = _case_set(case, number, "masc", {"anim"})
            form = _modifier_form(words[0], wanted, "masc", "sing")
            lead_form = _modifier_form(lead, wanted, "masc", "sing") if lead else None
            return [_keep_case(words[0], form.word) if form else words[0]], lead_form.word if lead_form else lead
        return words, lead
    animacy = {"anim"} if "anim" in head.tag else {"inan"}
    number = "plur" if plural else (head.tag.number or "sing")
    gender = head.tag.gender
    wanted = _case_set(case, number, gender, animacy)
    modifier_wanted = wanted
    if after_few:
        modifier_wanted = {"nomn" if gender == "femn" else "gent", "plur"}
    out = []
    for index, word in enumerate(words):
        if index < head_index:
            form = _modifier_form(word, modifier_wanted, gender, head.tag.number or "sing")
            out.append(_keep_case(word, form.word) if form else word)
        elif index == head_index:
            form = head.inflect({case, number})
            out.append(_keep_case(word, form.word) if form else word)
        else:
            break
    rest = words[head_index + 1 :]
    # «пара (группа)», «предмет (направление работы)»: the word in parentheses is the head's twin
    if rest and rest[0].startswith("(") and _WORD.fullmatch(rest[0].strip("()")):
        inner = rest[0].strip("()")
        twin = _pick(inner.lower(), {"NOUN"}, geo=False)
        form = twin.inflect({case, number}) if twin is not None else None
        text = _keep_case(inner, form.word) if form else inner
        out.append(rest[0].replace(inner, text))
        rest = rest[1:]
    # «пары и группы»: the coordinated noun takes the same case
    if len(rest) >= 2 and rest[0] == "и":
        tail, _ = _inflect_head_phrase(rest[1:], case, plural, after_few=after_few)
        out.extend(["и", *tail])
        rest = []
    lead_form = _modifier_form(lead, wanted, gender, head.tag.number or "sing") if lead else None
    return out + rest, (lead_form.word if lead_form else lead)


@lru_cache(maxsize=2048)
def object_name(verbose_name: str, case: str = "accusative", *, plural: bool = False, selected: bool = False) -> str:
    """A model's verbose_name in `case` («nominative», «accusative», «genitive»): the words up to the
    first noun agree with it, a «(twin)» and an «и …» after it follow, the rest (genitive
    dependents) stays. `plural`: in the plural, from the singular name (a plural verbose_name may be
    a collective: «банк наставников»). `selected`: with «выбранный» agreeing («выбранных
    наставников», «выбранную организацию»). A capital first letter is lowered unless the word is an
    abbreviation. Never raises; an unknown word stays as written."""
    text = str(verbose_name)
    words = text.split(" ")
    if words and words[0][:1].isupper() and not words[0].isupper() and not words[0][1:2].isupper():
        words[0] = words[0][:1].lower() + words[0][1:]
    out, lead = _inflect_head_phrase(words, OBJECT_CASES[case], plural, "выбранный" if selected else "")
    return " ".join([lead, *out] if selected else out)


@lru_cache(maxsize=2048)
def counted_name(verbose_name: str, n: int) -> str:
    """A model's verbose_name agreeing with the number `n` before it: «1 организация», «3
    наставнические пары (группы)», «2 целевых показателя», «5 исполнений мероприятия» — the
    nominative singular after 1 (21, 31…), the genitive singular of the nouns after 2–4, the
    genitive plural else (the rule of accounts.plurals, for any model name). Without the number."""
    from accounts.plurals import plural

    text = str(verbose_name)
    form = plural(n, "one", "few", "many")
    if form == "one":
        return object_name(text, "nominative")
    if form == "few":
        words = text.split(" ")
        if words and words[0][:1].isupper() and not words[0].isupper() and not words[0][1:2].isupper():
            words[0] = words[0][:1].lower() + words[0][1:]
        return " ".join(_inflect_head_phrase(words, "gent", False, after_few=True)[0])
    return object_name(text, "genitive", plural=True)


def accusative(verbose_name: str) -> str:
    """A model's verbose_name in the accusative: «организация» → «организацию», «персонализированная
    программа» → «персонализированную программу», «исполнение мероприятия» unchanged, «пользователь»
    → «пользователя». Never raises; an unknown word stays as written."""
    text = str(verbose_name)
    result = object_name(text, "accusative")
    # a capital first letter stays in a title («Запись о попытке доступа» is axes' own name)
    return text[:1] + result[1:] if text[:1].isupper() and result[:1].lower() == text[:1].lower() else result
