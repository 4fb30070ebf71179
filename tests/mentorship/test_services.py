import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mentorship import services
from mentorship.models import (
    EventKind,
    EventResult,
    Pair,
    PairStatus,
    Person,
    ProgramSource,
    ProgramStatus,
    ProgramTemplate,
)
from tests.mentorship.factories import (
    ConsentFactory,
    MenteeFactory,
    MentorFactory,
    deficit,
    form,
    make_pair,
    make_program,
)

pytestmark = pytest.mark.django_db


def _create(world, mentors, mentees, **kw):
    return services.pair_create(organization=world.home.school, form=form(), mentors=mentors, mentees=mentees, **kw)


def test_pair_starts_forming_and_activation_needs_every_consent_and_an_order(world):
    mentor, mentee = MentorFactory(organization=world.home.school), MenteeFactory(organization=world.home.school)
    pair = _create(world, [mentor], [mentee])
    assert pair.status == PairStatus.FORMING
    ConsentFactory(person=mentor)
    with pytest.raises(ValidationError, match=mentee.full_name):
        services.pair_activate(pair=pair)
    consent = ConsentFactory(person=mentee)
    with pytest.raises(ValidationError, match="приказ"):
        services.pair_activate(pair=pair)
    pair.order_number, pair.order_date = "12-о", dt.date(2025, 9, 1)
    pair.save()
    services.consent_withdraw(consent=consent)
    with pytest.raises(ValidationError, match="согласия"):
        services.pair_activate(pair=pair)
    ConsentFactory(person=mentee, given_on=dt.date(2025, 10, 1))
    services.pair_activate(pair=pair, on=dt.date(2025, 10, 2))
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE and pair.started_on == dt.date(2025, 10, 2)


def test_completed_and_stopped_are_different_outcomes_kept_in_history(world):
    done = make_pair(world.home.school, status=PairStatus.ACTIVE)
    make_program(done, status=ProgramStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="результаты"):
        services.pair_complete(pair=done, results="", reflection="")
    services.pair_complete(pair=done, results="Дефициты сняты", reflection="Было полезно")
    done.refresh_from_db()
    assert done.status == PairStatus.COMPLETED and done.program.status == ProgramStatus.COMPLETED
    assert done.program.results == "Дефициты сняты"
    with pytest.raises(ValidationError):
        services.pair_stop(pair=done, reason="поздно")

    stopped = make_pair(world.home.school, status=PairStatus.ACTIVE)
    with pytest.raises(ValidationError, match="причину"):
        services.pair_stop(pair=stopped, reason="  ")
    services.pair_stop(pair=stopped, reason="Увольнение наставляемого", on=dt.date(2025, 12, 1))
    stopped.refresh_from_db()
    assert stopped.status == PairStatus.STOPPED and stopped.stop_reason == "Увольнение наставляемого"
    assert [h.status for h in stopped.history.order_by("history_date")] == ["active", "stopped"]
    # the mentee is waiting again from the day the pair stopped
    assert stopped.mentees[0].__class__.objects.get(pk=stopped.mentees[0].pk).mentee_since == dt.date(2025, 12, 1)
    with pytest.raises(ValidationError):
        services.pair_complete(pair=stopped)


def test_capacity_is_never_exceeded_counting_group_mentees(world):
    mentor = MentorFactory(organization=world.home.school, capacity=3)
    _create(world, [mentor], [MenteeFactory(organization=world.home.school) for _ in range(2)])
    with pytest.raises(ValidationError, match="допустимых 3"):
        _create(world, [mentor], [MenteeFactory(organization=world.home.school) for _ in range(2)])
    third = _create(world, [mentor], [MenteeFactory(organization=world.home.school)])
    assert services.mentor_load(mentor=mentor) == 3
    with pytest.raises(ValidationError, match="допустимых 3"):
        services.pair_add_participant(pair=third, person=MenteeFactory(organization=world.home.school), role="mentee")
    # a stopped pair frees its places
    services.pair_stop(pair=third, reason="Отказ")
    assert services.mentor_load(mentor=mentor) == 2


def test_pair_rules_on_people(world):
    mentor, mentee = MentorFactory(organization=world.home.school), MenteeFactory(organization=world.home.school)
    with pytest.raises(ValidationError, match="наставником и наставляемым"):
        both = MentorFactory(organization=world.home.school, is_mentee=True, mentee_category="young")
        _create(world, [both], [both])
    with pytest.raises(ValidationError, match="другой организации"):
        _create(world, [MentorFactory(organization=world.home.other_school)], [mentee])
    bank_mentor = MentorFactory(organization=world.home.other_school, in_municipal_bank=True)
    pair = _create(world, [bank_mentor], [mentee])
    assert pair.mentors == [bank_mentor]
    with pytest.raises(ValidationError, match="другой организации"):
        _create(
            world,
            [MentorFactory(organization=world.foreign.school, in_municipal_bank=True)],
            [MenteeFactory(organization=world.home.school)],
        )
    with pytest.raises(ValidationError, match="уже состоит"):
        _create(world, [mentor], [mentee])


def test_same_person_can_mentor_in_one_pair_and_be_mentored_in_another(world):
    teacher = MentorFactory(organization=world.home.school, is_mentee=True, mentee_category="new_role")
    _create(world, [teacher], [MenteeFactory(organization=world.home.school)])
    _create(world, [MentorFactory(organization=world.home.school)], [teacher])
    assert Pair.objects.filter(participants__person=teacher).count() == 2


def test_program_from_template_and_from_bank(world):
    pair = make_pair(world.home.school, started_on=dt.date(2025, 9, 1))
    pair.mentees[0].deficits.add(deficit("Планирование урока по ФГОС"))
    template = ProgramTemplate.objects.first()
    program = services.program_create(pair=pair, source=ProgramSource.TEMPLATE, template=template)
    assert program.items.count() == template.items.count()
    assert program.items.first().due_on == dt.date(2025, 9, 1)
    assert list(program.deficits.values_list("name", flat=True)) == ["Планирование урока по ФГОС"]
    with pytest.raises(ValidationError, match="уже есть"):
        services.program_create(pair=pair)
    services.program_publish(program=program)

    other = make_pair(world.home.other_school, started_on=dt.date(2026, 1, 10))
    copy = services.program_create(pair=other, source=ProgramSource.BANK, based_on=program)
    assert copy.based_on == program and copy.title == program.title
    assert copy.items.first().due_on == dt.date(2026, 1, 10)
    assert copy.items.count() == program.items.count()


def test_contest_winner_joins_municipal_bank(world):
    from mentorship.models import Event

    mentor = MentorFactory(organization=world.home.school)
    event = Event.objects.create(
        municipality=world.home.municipality,
        title="Я и мой наставник",
        kind=EventKind.CONTEST,
        starts_on=dt.date(2025, 4, 1),
    )
    services.event_participant_set(event=event, person=mentor, result=EventResult.WINNER)
    mentor.refresh_from_db()
    assert mentor.in_municipal_bank and "Победитель конкурса «Я и мой наставник»" in mentor.awards


def test_people_history_is_recorded(world):
    mentor = MentorFactory(organization=world.home.school)
    mentor.capacity = 5
    mentor.save()
    assert [h.capacity for h in Person.history.filter(id=mentor.pk).order_by("history_date")] == [3, 5]
