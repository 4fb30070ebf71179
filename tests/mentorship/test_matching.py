import pytest

from mentorship import matching, selectors
from mentorship.models import MentoringForm
from tests.mentorship.factories import MenteeFactory, MentorFactory, competency, deficit, make_pair, subject

pytestmark = pytest.mark.django_db


def _mentee(world, **kw):
    mentee = MenteeFactory(organization=world.home.school, **kw)
    mentee.deficits.add(deficit("Планирование урока по ФГОС"), deficit("Управление дисциплиной в классе"))
    mentee.subjects.add(subject("Математика"))
    return selectors.mentee_list(world.home.curator).prefetch_related("deficits__competencies").get(pk=mentee.pk)


def test_ranking_explains_each_point(world):
    best = MentorFactory(organization=world.home.school, awards="Победитель конкурса", training="КПК")
    best.competencies.add(
        competency("Планирование и анализ урока по ФГОС"), competency("Управление классом и дисциплина")
    )
    best.subjects.add(subject("Математика"))
    plain = MentorFactory(organization=world.home.school, experience_years=2)
    bank = MentorFactory(organization=world.home.other_school, in_municipal_bank=True)
    MentorFactory(organization=world.home.other_school)  # not in the bank: not offered
    MentorFactory(organization=world.foreign.school, in_municipal_bank=True)  # other municipality

    ranked = matching.rank_for_mentee(world.home.curator, _mentee(world))
    assert [c.mentor for c in ranked][0] == best
    assert {c.mentor for c in ranked} == {best, plain, bank}
    texts = [r.text for r in ranked[0].reasons]
    assert any("Закрывает дефицит «Планирование урока по ФГОС»" in t for t in texts)
    assert "Тот же предмет: Математика" in texts and "Та же организация" in texts
    assert ranked[0].score == sum(r.points for r in ranked[0].reasons)
    bank_reasons = next(c for c in ranked if c.mentor == bank).reasons
    assert any("Муниципальный банк" in r.text for r in bank_reasons)


def test_full_mentors_are_never_offered(world):
    full = MentorFactory(organization=world.home.school, capacity=1)
    make_pair(world.home.school, mentors=[full])
    ranked = matching.rank_for_mentee(world.home.curator, _mentee(world))
    assert full not in [c.mentor for c in ranked]


def test_suggest_all_spreads_mentees_without_overfilling(world):
    only = MentorFactory(organization=world.home.school, capacity=2)
    mentees = [_mentee(world) for _ in range(3)]
    forms = list(MentoringForm.objects.filter(kind="form"))
    suggestions = matching.suggest_all(world.home.curator, mentees, forms)
    chosen = [s for s in suggestions if s.chosen]
    assert len(chosen) == 2 and all(s.chosen.mentor == only for s in chosen)
    assert chosen[0].form.name == "Педагог – молодой специалист"
    assert sum(1 for s in suggestions if s.chosen is None) == 1
