"""A pair of the home school whose mentor and mentee have their own accounts, and the same on the
other side of every boundary (another pair of the same school, a pair of the other municipality)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from mentorship.models import InvitationChannel, Pair, PairStatus, PlanItem, Stage
from mentorship.participants import participant_invite
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_meeting, make_pair, make_program


@dataclass
class Side:
    pair: Pair
    mentor: object  # Person
    mentee: object
    mentor_user: object
    mentee_user: object


def account(curator, person, password="Parol-uchastnika-2026"):
    invitation = participant_invite(user=curator, person=person, channel=InvitationChannel.SHEET)
    user = invitation.user
    user.set_password(password)
    user.save()
    return user


def side(curator, organization, tag: str) -> Side:
    mentor = MentorFactory(organization=organization, last_name=f"Наставникова{tag}", email=f"mentor{tag}@example.ru")
    mentee = MenteeFactory(organization=organization, last_name=f"Молодцова{tag}", email=f"mentee{tag}@example.ru")
    pair = make_pair(organization, mentors=[mentor], mentees=[mentee], status=PairStatus.ACTIVE)
    program = make_program(pair, title=f"Программа {tag}", goals="Освоить методику урока")
    PlanItem.objects.create(program=program, title=f"Знакомство {tag}", stage=Stage.ACQUAINTANCE, order=1)
    PlanItem.objects.create(program=program, title=f"Открытый урок {tag}", stage=Stage.JOINT, order=2)
    make_meeting(
        pair,
        complete=False,
        mentor_rating=None,
        mentor_feedback="",
        held_on=dt.date.today() - dt.timedelta(days=4),
        topic=f"Разбор урока {tag}",
    )
    return Side(pair, mentor, mentee, account(curator, mentor), account(curator, mentee))


@dataclass
class Participants:
    home: Side
    neighbour: Side  # another pair of the same school
    foreign: Side  # a pair of the other municipality


@pytest.fixture
def participants(world) -> Participants:
    return Participants(
        home=side(world.home.curator, world.home.school, "А"),
        neighbour=side(world.home.curator, world.home.school, "Б"),
        foreign=side(world.foreign.curator, world.foreign.school, "В"),
    )
