"""Who signs the annual report and who prepared it, from the data (the official form:
«Должность … ____________ / И. О. Фамилия»; a blank line only where the data has nothing).

A municipality's report: the signatory and executor of its ReportSettings (edited in the admin); an
executor not set there is the user who built the report (their name, position and phone as their
account has them). A region's report: the regional user who built it signs — their position (or
their role) and the region's education authority (Region.authority_name), their name as
«И. О. Фамилия» — and is its executor; all of it is edited where it lives (the user's account, the
region in the admin).
"""

from __future__ import annotations

from dataclasses import dataclass

BLANK = "____________"


@dataclass(frozen=True)
class Signer:
    position: str  # may take several lines
    name: str  # «И. О. Фамилия», or "" when nobody is known (the line is left to write in)
    executor: str  # «ФИО, должность, телефон», or "" (a line to write in)

    @property
    def signature_line(self) -> str:
        """«____________ / Е. В. Ткачёва» (or «____________ / ____________»)."""
        return f"{BLANK} / {self.name or BLANK}"


def initials(user) -> str:
    """«Е. А. Кузнецова» from the account's names; "" without a last name."""
    if user is None or not (user.last_name or "").strip():
        return ""
    parts = [f"{p.strip()[0]}." for p in (user.first_name, getattr(user, "middle_name", "")) if (p or "").strip()]
    return " ".join([*parts, user.last_name.strip()])


def full_name(user) -> str:
    if user is None:
        return ""
    return " ".join(
        p.strip() for p in (user.last_name, user.first_name, getattr(user, "middle_name", "")) if (p or "").strip()
    )


def _lower_first(text: str) -> str:
    """«Начальник центра» inside the executor line reads «начальник центра»; «МБУ …» stays."""
    text = (text or "").strip()
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def executor_line(name: str, position: str, phone: str) -> str:
    """«Кузнецова Елена Андреевна, начальник центра, тел. +7 391 221-45-67»."""
    phone = (phone or "").strip()
    return ", ".join(x for x in (name.strip(), _lower_first(position), f"тел. {phone}" if phone else "") if x)


def _executor_of(user) -> str:
    name = full_name(user)
    if not name:
        return ""
    return executor_line(name, user.position or "", user.phone or "")


def municipal_signer(place, settings, author=None) -> Signer:
    position = (settings.signatory_position if settings is not None else "") or (
        f"Руководитель органа управления образованием {place.genitive}"
    )
    name = settings.signatory_name if settings is not None else ""
    if settings is not None and settings.executor_name:
        executor = executor_line(settings.executor_name, settings.executor_position, settings.executor_phone)
    else:
        executor = _executor_of(author)
    return Signer(position=position, name=name or "", executor=executor)


def regional_signer(place, region, author=None) -> Signer:
    from accounts.models import Role

    authority = (getattr(region, "authority_name", "") or "").strip()
    name = initials(author)
    if author is None or not name:
        return Signer(
            position=f"Руководитель органа исполнительной власти {place.genitive} в сфере образования",
            name="",
            executor="",
        )
    position = (author.position or "").strip() or Role.REGIONAL.label
    if authority and authority.lower() not in position.lower():
        position = f"{position}\n{authority}"
    return Signer(position=position, name=name, executor=_executor_of(author))
