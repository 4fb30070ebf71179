"""Numbers agree with nouns («1 год», «22 года», «5 лет») through gettext's plural forms.

Each noun is one entry of locale/ru/LC_MESSAGES/django.po (msgid the singular, msgid_plural the
plural, msgstr[0..2] the Russian forms by the catalog's Plural-Forms rule), so the choice of the
form is gettext's, not ours. `count_noun(5, "год")` → «5 лет»; `noun(5, "год")` → «лет».
A noun missing from the catalog falls back to its three forms given here in NOUNS.
"""

from __future__ import annotations

from django.utils.translation import ngettext

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
}


def _fallback(n: int, one: str, few: str, many: str) -> str:
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
        return _fallback(n, *forms)
    return translated


def count_noun(n: int, singular: str) -> str:
    """«5 лет», «22 года», «1 год» (digits grouped by thin spaces above 9 999)."""
    number = f"{int(n):,}".replace(",", "\u202f") if abs(int(n)) >= 10000 else str(int(n))
    return f"{number} {noun(n, singular)}"
