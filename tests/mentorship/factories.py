"""Factories for the mentorship app."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from mentorship.models import (
    Competency,
    Consent,
    Deficit,
    Meeting,
    MenteeCategory,
    MentoringForm,
    Pair,
    PairParticipant,
    PairStatus,
    Person,
    Program,
    Subject,
)
from tests.factories import OrganizationFactory


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    last_name = factory.Sequence(lambda n: f"Фамилия{n}")
    first_name = "Анна"
    middle_name = "Ивановна"
    position = "Учитель"
    email = factory.LazyAttribute(lambda p: f"p{p.last_name[-3:]}@example.ru")
    phone = "+7 900 111-22-33"


class MentorFactory(PersonFactory):
    is_mentor = True
    experience_years = 15
    capacity = 3


class MenteeFactory(PersonFactory):
    is_mentee = True
    mentee_category = MenteeCategory.YOUNG
    experience_years = 1


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    given_on = dt.date(2025, 9, 1)


def form(name: str = "Педагог – молодой специалист") -> MentoringForm:
    return MentoringForm.objects.get(name=name)


def competency(name: str) -> Competency:
    return Competency.objects.get(name=name)


def deficit(name: str) -> Deficit:
    return Deficit.objects.get(name=name)


def subject(name: str) -> Subject:
    return Subject.objects.get(name=name)


def make_pair(organization, *, mentors=None, mentees=None, status=PairStatus.FORMING, consent=True, **fields) -> Pair:
    mentors = mentors or [MentorFactory(organization=organization)]
    mentees = mentees or [MenteeFactory(organization=organization)]
    if status == PairStatus.STOPPED:
        fields.setdefault("stop_reason", "Причина")
    pair = Pair.objects.create(organization=organization, form=form(), status=status, **fields)
    for person in mentors:
        PairParticipant.objects.create(pair=pair, person=person, role="mentor")
    for person in mentees:
        PairParticipant.objects.create(pair=pair, person=person, role="mentee")
    if consent:
        for person in [*mentors, *mentees]:
            if not person.consents.exists():
                ConsentFactory(person=person)
    return pair


def make_program(pair, **fields) -> Program:
    return Program.objects.create(pair=pair, title=fields.pop("title", "Программа"), **fields)


def make_meeting(pair, *, complete=True, **fields) -> Meeting:
    data = {"held_on": dt.date.today(), "topic": "Встреча", "mentor_rating": 9, "mentor_feedback": "Хорошо"}
    if complete:
        data.update(mentee_rating=8, mentee_feedback="Полезно")
    data.update(fields)
    return Meeting.objects.create(pair=pair, **data)
