"""Numbers agree with nouns («1 год», «22 года», «5 лет») through gettext's plural forms.

Each noun is one entry of locale/ru/LC_MESSAGES/django.po (msgid the singular, msgid_plural the
plural, msgstr[0..2] the Russian forms by the catalog's Plural-Forms rule), so the choice of the
form is gettext's, not ours. `count_noun(5, "год")` → «5 лет»; `noun(5, "год")` → «лет».
A noun missing from the catalog falls back to its three forms given here in NOUNS.

After «из» the noun is genitive and the number after «из» governs it: «3 из 5 организаций»,
«1 из 21 организации», «2 из 3 организаций» (2–4 take the genitive plural here, unlike «3
организации»). `of_count(21, "организация")` → «21 организации»: the catalog's entries of context
OF_CONTEXT (msgid and msgid_plural as in NOUNS, msgstr the genitive forms), with GENITIVE as the
fallback.

For any model name (not only the nouns above) `count_name(3, "наставническая пара (группа)")` →
«3 наставнические пары (группы)»: the catalog's forms when the name is one of NOUNS, else the same
rule applied by accounts.morphology.counted_name (pymorphy3).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import ngettext, npgettext

# singular → (singular, plural msgid). The Russian forms live in the catalog.
NOUNS: dict[str, tuple[str, str, str]] = {
    "год": ("год", "года", "лет"),
    "день": ("день", "дня", "дней"),
    "мероприятие": ("мероприятие", "мероприятия", "мероприятий"),
    "организация": ("организация", "организации", "организаций"),
    "запись": ("запись", "записи", "записей"),
    "строка": ("строка", "строки", "строк"),
    "пара": ("пара", "пары", "пар"),
    "наставник": ("наставник", "наставника", "наставников"),
    "наставляемый": ("наставляемый", "наставляемых", "наставляемых"),
    "встреча": ("встреча", "встречи", "встреч"),
    "человек": ("человек", "человека", "человек"),
    "отчёт": ("отчёт", "отчёта", "отчётов"),
    "школа": ("школа", "школы", "школ"),
    "ошибка": ("ошибка", "ошибки", "ошибок"),
    "месяц": ("месяц", "месяца", "месяцев"),
    "неделя": ("неделя", "недели", "недель"),
    "час": ("час", "часа", "часов"),
    "минута": ("минута", "минуты", "минут"),
    "файл": ("файл", "файла", "файлов"),
    "уведомление": ("уведомление", "уведомления", "уведомлений"),
    "напоминание": ("напоминание", "напоминания", "напоминаний"),
    "анкета": ("анкета", "анкеты", "анкет"),
    "ответ": ("ответ", "ответа", "ответов"),
    "участник": ("участник", "участника", "участников"),
    "программа": ("программа", "программы", "программ"),
    "этап": ("этап", "этапа", "этапов"),
    "наступивший срок": ("наступивший срок", "наступивших срока", "наступивших сроков"),
    "срок": ("срок", "срока", "сроков"),
    "молодой специалист": ("молодой специалист", "молодых специалиста", "молодых специалистов"),
}


# singular → (genitive singular, genitive plural): the forms after «из N»
GENITIVE: dict[str, tuple[str, str]] = {
    "организация": ("организации", "организаций"),
    "строка": ("строки", "строк"),
    "наставляемый": ("наставляемого", "наставляемых"),
    "наставник": ("наставника", "наставников"),
    "участник": ("участника", "участников"),
    "пара": ("пары", "пар"),
    "мероприятие": ("мероприятия", "мероприятий"),
    "отчёт": ("отчёта", "отчётов"),
    "школа": ("школы", "школ"),
    "запись": ("записи", "записей"),
    "анкета": ("анкеты", "анкет"),
    "наступивший срок": ("наступившего срока", "наступивших сроков"),
    "молодой специалист": ("молодого специалиста", "молодых специалистов"),
}
OF_CONTEXT = "после «из»"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural rule for forms given in place: plural(3, "организация", "организации",
    "организаций") → «организации». For phrases no catalog entry holds («пара или группа», «в
    образовательной организации»); a noun of NOUNS goes through the catalog (noun, count_noun)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def noun(n: int, singular: str) -> str:
    """The form of `singular` that agrees with `n`."""
    forms = NOUNS.get(singular)
    if forms is None:
        raise KeyError(f"нет форм слова «{singular}» в accounts.plurals.NOUNS")
    translated = ngettext(forms[0], forms[1], int(n))
    if translated in (forms[0], forms[1]) and forms[1] != forms[2]:
        # the catalog has no entry (a fresh checkout without compiled messages): the same rule by hand
        return plural(n, *forms)
    return translated


def count_noun(n: int, singular: str) -> str:
    """«5 лет», «22 года», «1 год» (digits grouped by thin spaces above 9 999)."""
    return f"{_number(n)} {noun(n, singular)}"


def count_forms(n: int, one: str, few: str, many: str, *, number: Callable[[int], str] | None = None) -> str:
    """«3 пары и группы»: the number and the form of `plural`. `number` writes the number (the
    annual report passes its own, monitoring.reports.fmt.num, grouping thousands from 1 000)."""
    return f"{(number or _number)(n)} {plural(n, one, few, many)}"


def _number(n: int) -> str:
    return f"{int(n):,}".replace(",", "\u202f") if abs(int(n)) >= 10000 else str(int(n))


def _genitive_fallback(n: int, one: str, many: str) -> str:
    n = abs(int(n))
    return one if n % 10 == 1 and n % 100 != 11 else many


def noun_of(n: int, singular: str) -> str:
    """The genitive form of `singular` after «из n»: «организации» for 1, 21, 31; «организаций» else."""
    if singular not in GENITIVE:
        raise KeyError(f"нет родительного падежа слова «{singular}» в accounts.plurals.GENITIVE")
    msgid, msgid_plural = NOUNS[singular][:2]
    if npgettext(OF_CONTEXT, msgid, msgid_plural, 1) == msgid:
        # the catalog has no entry (a fresh checkout without compiled messages): the same rule by hand
        return _genitive_fallback(n, *GENITIVE[singular])
    return npgettext(OF_CONTEXT, msgid, msgid_plural, int(n))


def of_count(n: int, singular: str) -> str:
    """What follows «из»: «5 организаций», «21 организации» (digits grouped as in count_noun)."""
    return f"{_number(n)} {noun_of(n, singular)}"


def count_name(n: int, singular: str) -> str:
    """«3 наставнические пары (группы)», «1 организация», «5 целевых показателей»: a count with any
    noun phrase in the form the number asks (NOUNS through the catalog, other names by morphology)."""
    if singular in NOUNS:
        return count_noun(n, singular)
    from accounts.morphology import counted_name

    return f"{_number(n)} {counted_name(singular, int(n))}"
