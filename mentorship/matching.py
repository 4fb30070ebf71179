"""Ranking mentors for a mentee, with the reasons shown to the curator.

The score is a plain sum of points so a curator can check it by eye; each reason carries its
points. Mentors without a free place are never offered: capacity is a hard limit, the score only
orders the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from accounts.plurals import count_noun
from mentorship import selectors
from mentorship.models import MenteeCategory, MentoringForm, Person, PersonKind, QualificationCategory

POINTS_DEFICIT = 10
POINTS_SUBJECT = 8
POINTS_EXTRA_SUBJECT = 2
POINTS_SAME_ORG = 6
POINTS_MUNICIPAL_BANK = 2
POINTS_PER_FREE_PLACE = 2
MAX_FREE_PLACE_POINTS = 6
POINTS_AWARDS = 3
POINTS_CATEGORY = 2
POINTS_TRAINING = 2


@dataclass(frozen=True)
class Reason:
    text: str
    points: int


@dataclass
class Candidate:
    mentor: Person
    free: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(r.points for r in self.reasons)


def _experience_points(years: int | None) -> int:
    if not years:
        return 0
    if years >= 10:
        return 5
    if years >= 5:
        return 3
    return 1 if years >= 3 else 0


def score(mentee: Person, mentor: Person, *, load: int) -> Candidate | None:
    """None when the mentor cannot take this mentee at all."""
    if mentor.pk == mentee.pk or not mentor.is_mentor or not mentor.is_active:
        return None
    free = mentor.capacity - load
    if free <= 0:
        return None
    if mentor.organization.municipality_id != mentee.organization.municipality_id:
        return None
    if mentor.organization_id != mentee.organization_id and not mentor.in_municipal_bank:
        return None
    candidate = Candidate(mentor=mentor, free=free)
    reasons = candidate.reasons
    competencies = {c.pk: c for c in mentor.competencies.all()}
    for deficit in mentee.deficits.all():
        covering = [competencies[c.pk].name for c in deficit.competencies.all() if c.pk in competencies]
        if covering:
            reasons.append(Reason(f"Закрывает дефицит «{deficit.name}» (направление «{covering[0]}»)", POINTS_DEFICIT))
    shared = sorted({s.name for s in mentor.subjects.all()} & {s.name for s in mentee.subjects.all()})
    if shared:
        reasons.append(
            Reason(f"Тот же предмет: {', '.join(shared)}", POINTS_SUBJECT + POINTS_EXTRA_SUBJECT * (len(shared) - 1))
        )
    if mentor.organization_id == mentee.organization_id:
        reasons.append(Reason("Та же организация", POINTS_SAME_ORG))
    else:
        reasons.append(
            Reason(f"Муниципальный банк наставников ({mentor.organization.short_name})", POINTS_MUNICIPAL_BANK)
        )
    reasons.append(
        Reason(f"Свободных мест: {free} из {mentor.capacity}", min(MAX_FREE_PLACE_POINTS, POINTS_PER_FREE_PLACE * free))
    )
    experience = _experience_points(mentor.experience_years)
    if experience:
        reasons.append(Reason(f"Педагогический стаж {count_noun(mentor.experience_years, 'год')}", experience))
    if mentor.awards.strip():
        first = mentor.awards.strip().splitlines()[0]
        reasons.append(Reason(f"Награды: {first}", POINTS_AWARDS))
    if mentor.qualification_category in (
        QualificationCategory.HIGHEST,
        QualificationCategory.METHODIST,
        QualificationCategory.MENTOR,
    ):
        reasons.append(Reason(f"Категория: {mentor.get_qualification_category_display().lower()}", POINTS_CATEGORY))
    if mentor.training_completed_on or mentor.training:
        reasons.append(Reason("Прошёл обучение наставников", POINTS_TRAINING))
    return candidate


def rank(mentee: Person, mentors: Iterable[Person], *, loads: dict[int, int] | None = None) -> list[Candidate]:
    candidates = []
    for mentor in mentors:
        load = loads[mentor.pk] if loads is not None and mentor.pk in loads else mentor.load
        candidate = score(mentee, mentor, load=load)
        if candidate is not None:
            candidates.append(candidate)
    return sorted(candidates, key=lambda c: (-c.score, c.mentor.last_name, c.mentor.pk))


def _mentor_pool(user):
    return list(selectors.mentor_bank(user).prefetch_related("competencies", "subjects").order_by("last_name", "pk"))


def rank_for_mentee(user, mentee: Person) -> list[Candidate]:
    pool = [m for m in _mentor_pool(user) if m.organization.municipality_id == mentee.organization.municipality_id]
    return rank(mentee, pool)


def default_form(mentee: Person, mentor: Person, forms: Sequence[MentoringForm]) -> MentoringForm | None:
    """The form of mentoring the pair most likely has, from who the two people are."""
    by_name = {f.name: f for f in forms}
    if mentee.mentee_category in (MenteeCategory.PUPIL, MenteeCategory.GRADUATE) or mentee.kind == PersonKind.PUPIL:
        name = (
            "Ученик – ученик"
            if mentor.kind in (PersonKind.PUPIL, PersonKind.GRADUATE)
            else ("Работодатель – ученик" if mentor.kind == PersonKind.PARTNER else "Учитель – ученик")
        )
    elif mentee.mentee_category == MenteeCategory.YOUNG:
        name = "Педагог – молодой специалист"
    elif mentee.mentee_category == MenteeCategory.DIFFICULTIES:
        name = "Опытный педагог – педагог с затруднениями"
    else:
        name = "Учитель – учитель"
    return by_name.get(name) or (forms[0] if forms else None)


@dataclass
class Suggestion:
    mentee: Person
    waiting_days: int
    candidates: list[Candidate]
    chosen: Candidate | None
    form: MentoringForm | None


def suggest_all(user, mentees: Sequence[Person], forms: Sequence[MentoringForm]) -> list[Suggestion]:
    """A draft pair for every waiting mentee, longest-waiting first, never overfilling a mentor.

    Loads are tracked as the draft fills so two mentees are not both promised a mentor's last place.
    """
    pool = _mentor_pool(user)
    loads = {m.pk: m.load for m in pool}
    suggestions = []
    for mentee in sorted(mentees, key=lambda m: (-selectors.waiting_days(m), m.last_name)):
        candidates = rank(
            mentee,
            [m for m in pool if m.organization.municipality_id == mentee.organization.municipality_id],
            loads=loads,
        )
        chosen = candidates[0] if candidates else None
        if chosen is not None:
            loads[chosen.mentor.pk] += 1
        suggestions.append(
            Suggestion(
                mentee=mentee,
                waiting_days=selectors.waiting_days(mentee),
                candidates=candidates[:5],
                chosen=chosen,
                form=default_form(mentee, chosen.mentor, forms) if chosen else None,
            )
        )
    return suggestions
