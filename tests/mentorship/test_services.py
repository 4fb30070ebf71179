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
    return services.pair_create(
        user=world.home.coordinator, organization=world.home.school, form=form(), mentors=mentors, mentees=mentees, **kw
    )


def test_pair_starts_forming_and_activation_needs_every_consent_and_an_order(world):
    mentor, mentee = MentorFactory(organization=world.home.school), MenteeFactory(organization=world.home.school)
    pair = _create(world, [mentor], [mentee])
    assert pair.status == PairStatus.FORMING
    ConsentFactory(person=mentor)
    with pytest.raises(ValidationError, match=mentee.full_name):
        services.pair_activate(user=world.home.coordinator, pair=pair)
    consent = ConsentFactory(person=mentee)
    with pytest.raises(ValidationError, match="приказ"):
        services.pair_activate(user=world.home.coordinator, pair=pair)
    pair.order_number, pair.order_date = "12-о", dt.date(2025, 9, 1)
    pair.save()
    services.consent_withdraw(user=world.home.coordinator, consent=consent)
    with pytest.raises(ValidationError, match="согласия"):
        services.pair_activate(user=world.home.coordinator, pair=pair)
    ConsentFactory(person=mentee, given_on=dt.date(2025, 10, 1))
    services.pair_activate(user=world.home.coordinator, pair=pair, on=dt.date(2025, 10, 2))
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE and pair.started_on == dt.date(2025, 10, 2)


def test_completed_and_stopped_are_different_outcomes_kept_in_history(world):
    done = make_pair(world.home.school, status=PairStatus.ACTIVE)
    make_program(done, status=ProgramStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="результаты"):
        services.pair_complete(user=world.home.coordinator, pair=done, results="", reflection="")
    services.pair_complete(user=world.home.coordinator, pair=done, results="Дефициты сняты", reflection="Было полезно")
    done.refresh_from_db()
    assert done.status == PairStatus.COMPLETED and done.program.status == ProgramStatus.COMPLETED
    assert done.program.results == "Дефициты сняты"
    with pytest.raises(ValidationError):
        services.pair_stop(user=world.home.coordinator, pair=done, reason="поздно")

    stopped = make_pair(world.home.school, status=PairStatus.ACTIVE)
    with pytest.raises(ValidationError, match="причину"):
        services.pair_stop(user=world.home.coordinator, pair=stopped, reason="  ")
    services.pair_stop(
        user=world.home.coordinator, pair=stopped, reason="Увольнение наставляемого", on=dt.date(2025, 12, 1)
    )
    stopped.refresh_from_db()
    assert stopped.status == PairStatus.STOPPED and stopped.stop_reason == "Увольнение наставляемого"
    assert [h.status for h in stopped.history.order_by("history_date")] == ["active", "stopped"]
    # the mentee is waiting again from the day the pair stopped
    assert stopped.mentees[0].__class__.objects.get(pk=stopped.mentees[0].pk).mentee_since == dt.date(2025, 12, 1)
    with pytest.raises(ValidationError):
        services.pair_complete(user=world.home.coordinator, pair=stopped)


def test_capacity_is_never_exceeded_counting_group_mentees(world):
    mentor = MentorFactory(organization=world.home.school, capacity=3)
    _create(world, [mentor], [MenteeFactory(organization=world.home.school) for _ in range(2)])
    with pytest.raises(ValidationError, match="допустимых 3"):
        _create(world, [mentor], [MenteeFactory(organization=world.home.school) for _ in range(2)])
    third = _create(world, [mentor], [MenteeFactory(organization=world.home.school)])
    assert services.mentor_load(mentor=mentor) == 3
    with pytest.raises(ValidationError, match="допустимых 3"):
        services.pair_add_participant(
            user=world.home.coordinator, pair=third, person=MenteeFactory(organization=world.home.school), role="mentee"
        )
    # a stopped pair frees its places
    services.pair_stop(user=world.home.coordinator, pair=third, reason="Отказ")
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
    program = services.program_create(
        user=world.home.coordinator, pair=pair, source=ProgramSource.TEMPLATE, template=template
    )
    assert program.items.count() == template.items.count()
    assert program.items.first().due_on == dt.date(2025, 9, 1)
    assert list(program.deficits.values_list("name", flat=True)) == ["Планирование урока по ФГОС"]
    with pytest.raises(ValidationError, match="уже есть"):
        services.program_create(user=world.home.coordinator, pair=pair)
    services.program_publish(user=world.home.coordinator, program=program)

    other = make_pair(world.home.other_school, started_on=dt.date(2026, 1, 10))
    copy = services.program_create(user=world.home.coordinator, pair=other, source=ProgramSource.BANK, based_on=program)
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
    services.event_participant_set(user=world.home.coordinator, event=event, person=mentor, result=EventResult.WINNER)
    mentor.refresh_from_db()
    assert mentor.in_municipal_bank and "Победитель конкурса «Я и мой наставник»" in mentor.awards


def test_people_history_is_recorded(world):
    mentor = MentorFactory(organization=world.home.school)
    mentor.capacity = 5
    mentor.save()
    assert [h.capacity for h in Person.history.filter(id=mentor.pk).order_by("history_date")] == [3, 5]


def test_every_write_checks_the_user(world):
    """The older services take the user too: the other municipality's curator changes nothing;
    `user=None` is the operator (the demo seeder, commands), as in roadmaps.services."""
    from django.core.exceptions import PermissionDenied

    from mentorship.models import Event

    outsider = world.foreign.curator
    mentor, mentee = MentorFactory(organization=world.home.school), MenteeFactory(organization=world.home.school)
    with pytest.raises(PermissionDenied):
        services.pair_create(user=outsider, organization=world.home.school, form=form(), mentors=[mentor], mentees=[])
    pair = make_pair(world.home.school, started_on=dt.date(2025, 9, 1))
    program = make_program(pair)
    item = program.items.first() or program.items.create(title="Шаг", order=1)
    event = Event.objects.create(
        municipality=world.home.municipality, title="Форум", kind=EventKind.CONTEST, starts_on=dt.date(2025, 4, 1)
    )
    consent = ConsentFactory(person=mentee)
    participant = pair.participants.first()
    writes = [
        lambda u: services.consent_add(user=u, person=mentee, given_on=dt.date(2025, 9, 1)),
        lambda u: services.consent_withdraw(user=u, consent=consent),
        lambda u: services.pair_add_participant(user=u, pair=pair, person=mentee, role="mentee"),
        lambda u: services.pair_remove_participant(user=u, participant=participant),
        lambda u: services.pair_activate(user=u, pair=pair),
        lambda u: services.pair_complete(user=u, pair=pair, results="итог", reflection="рефлексия"),
        lambda u: services.pair_stop(user=u, pair=pair, reason="причина"),
        lambda u: services.program_create(user=u, pair=pair),
        lambda u: services.program_complete(user=u, program=program, results="итог", reflection="рефлексия"),
        lambda u: services.program_publish(user=u, program=program),
        lambda u: services.plan_item_toggle(user=u, item=item),
        lambda u: services.event_participant_set(user=u, event=event, person=mentor, result=EventResult.WINNER),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write(outsider)
    assert not program.is_published and not consent.withdrawn_on
    # the operator (user=None) and the school's own curator may
    services.plan_item_toggle(user=None, item=item)
    services.program_publish(user=world.home.curator, program=program)
    program.refresh_from_db()
    assert program.is_published
