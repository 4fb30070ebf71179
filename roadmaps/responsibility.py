"""Who an activity's "Ответственные" cell names: roles, and organizations found by name.

Roadmaps name roles, not people ("Руководители ОО", "кураторы в ОУ", "Управление, МБУ
«Методический центр»"); recognising them decides whether an activity goes into school roadmaps
and whose task list shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from accounts.models import Role

_SCHOOL_WORDS = r"(?:оо|оу|до|доу|ооо|образовательн\w*\s+(?:учреждени|организаци)\w*|школ\w*|сош|мбоу|мбдоу|мадоу)"
RULES: list[tuple[str, str]] = [
    # (regex over the normalised party, role)
    (rf"руководител\w*\s+(?:\w+\s+)?{_SCHOOL_WORDS}", Role.HEAD),
    (r"^руководител\w*\s*(?:оо|оу|до)?$", Role.HEAD),
    (r"директор", Role.HEAD),
    (r"заместител\w*\s+(?:руководител\w*|директор\w*)", Role.HEAD),
    (r"куратор", Role.CURATOR),
    (rf"ответственн\w*\s+(?:\w+\s+){{0,6}}(?:в|по|за)\s+(?:\w+\s+){{0,6}}{_SCHOOL_WORDS}", Role.CURATOR),
    (r"^ответственн\w*\s+по\s+(?:оо|оу|школе)", Role.CURATOR),
    (rf"лиц\w*,?\s+ответственн\w*.*{_SCHOOL_WORDS}", Role.CURATOR),
    (r"наставник", Role.CURATOR),
    (r"школьн\w*\s+координатор", Role.CURATOR),
    (r"муниципальн\w*\s+координатор", Role.COORDINATOR),
    (r"^управлени\w*", Role.COORDINATOR),
    (r"орган\w*\s+управлени\w*\s+образовани", Role.COORDINATOR),
    (r"департамент", Role.COORDINATOR),
    (r"отдел\w*\s+.*(?:уо|образовани)", Role.COORDINATOR),
    (r"комитет\w*\s+.*образовани", Role.COORDINATOR),
    (r"методическ\w*\s+(?:центр|служб|кабинет)", Role.METHODOLOGIST),
    (r"\bимг\b|\bумц\b|\bцро\b|\bммс\b|методист", Role.METHODOLOGIST),
]
SCHOOL_ROLES = frozenset({Role.HEAD, Role.CURATOR})
MUNICIPAL_ROLES = frozenset({Role.COORDINATOR, Role.METHODOLOGIST})


def normalize(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").replace("«", " ").replace("»", " ").lower().split())


@dataclass
class Responsibility:
    roles: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def for_schools(self) -> bool:
        return bool(SCHOOL_ROLES.intersection(self.roles))

    @property
    def for_municipality(self) -> bool:
        return bool(MUNICIPAL_ROLES.intersection(self.roles))


def classify(parties: list[str]) -> Responsibility:
    result = Responsibility()
    for party in parties:
        norm = normalize(party)
        roles = [role for pattern, role in RULES if re.search(pattern, norm)]
        if not roles:
            result.unknown.append(party)
        for role in roles:
            if str(role) not in result.roles:
                result.roles.append(str(role))
    return result


def match_organizations(parties: list[str], organizations) -> list:
    """Organizations named in the cell by short or full name ("МБУ «Методический центр»")."""
    index = {}
    for org in organizations:
        for name in (org.short_name, org.full_name):
            if name:
                index.setdefault(normalize(name), org)
    found = []
    for party in parties:
        org = index.get(normalize(party))
        if org is not None and org not in found:
            found.append(org)
    return found
