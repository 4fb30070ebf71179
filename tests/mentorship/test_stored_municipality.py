"""Programs and practices keep their organization's municipality (mentorship.models): filled on
every write path, followed when a pair or an organization moves, and the bank of programs and the
registry of practices select by it."""

from __future__ import annotations

import pytest

from accounts.models import Role
from mentorship import selectors
from mentorship.models import Practice, Program, ProgramSource
from mentorship.services import program_create, program_publish
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.mentorship.factories import make_pair, make_program

pytestmark = pytest.mark.django_db


def _practice(organization, **fields) -> Practice:
    return Practice.objects.create(
        organization=organization,
        title=fields.pop("title", "Кейс"),
        authors="Иванова",
        description="Описание",
        **fields,
    )


def test_a_program_takes_its_pair_s_municipality_on_every_path():
    school = OrganizationFactory()
    coordinator = user_with_role(Role.COORDINATOR, municipality=school.municipality)
    by_factory = make_program(make_pair(school))
    by_service = program_create(user=coordinator, pair=make_pair(school), source=ProgramSource.BLANK)
    unloaded = Program(pair_id=make_pair(school).pk, title="Без загруженной пары")
    unloaded.save()
    for program in (by_factory, by_service, unloaded):
        program.refresh_from_db()
        assert program.municipality_id == school.municipality_id


def test_a_pair_moved_to_another_municipality_carries_its_program():
    school, elsewhere = OrganizationFactory(), OrganizationFactory()
    pair = make_pair(school)
    program = make_program(pair)
    pair.organization = elsewhere
    pair.save()
    program.refresh_from_db()
    assert program.municipality_id == elsewhere.municipality_id


def test_an_organization_moved_carries_its_programs_and_practices():
    school, other_school = OrganizationFactory(), OrganizationFactory()
    program, practice = make_program(make_pair(school)), _practice(school)
    untouched_program, untouched_practice = make_program(make_pair(other_school)), _practice(other_school)
    new_home = MunicipalityFactory(region=school.municipality.region)
    school.municipality = new_home
    school.save()
    for row in (program, practice, untouched_program, untouched_practice):
        row.refresh_from_db()
    assert program.municipality_id == practice.municipality_id == new_home.pk
    assert untouched_program.municipality_id == untouched_practice.municipality_id == other_school.municipality_id


def test_a_practice_given_to_another_organization_follows_it():
    school, elsewhere = OrganizationFactory(), OrganizationFactory()
    practice = _practice(school)
    practice.organization = elsewhere
    practice.save()
    practice.refresh_from_db()
    assert practice.municipality_id == elsewhere.municipality_id


def test_the_bank_of_programs_shows_the_municipality_s_published_programs_only():
    school = OrganizationFactory()
    neighbour = OrganizationFactory(municipality=school.municipality)
    elsewhere = OrganizationFactory(municipality=MunicipalityFactory(region=school.municipality.region))
    coordinator = user_with_role(Role.COORDINATOR, municipality=school.municipality)
    ours = make_program(make_pair(school))
    neighbours = make_program(make_pair(neighbour))
    draft = make_program(make_pair(school), title="Не опубликована")
    foreign = make_program(make_pair(elsewhere))
    for program in (ours, neighbours, foreign):
        program_publish(user=user_with_role(Role.ADMIN), program=program)
    assert set(selectors.program_bank(coordinator)) == {ours, neighbours}
    head = user_with_role(Role.HEAD, organization=school)
    assert set(selectors.program_bank(head)) == {ours, neighbours}
    assert draft not in set(selectors.program_bank(user_with_role(Role.ADMIN)))


def test_practices_a_school_sees_are_its_own_and_the_municipality_s_published_ones():
    school = OrganizationFactory()
    neighbour = OrganizationFactory(municipality=school.municipality)
    elsewhere = OrganizationFactory(municipality=MunicipalityFactory(region=school.municipality.region))
    own_draft = _practice(school, title="Свой черновик")
    neighbour_published = _practice(neighbour, title="Соседняя", is_published=True)
    neighbour_draft = _practice(neighbour, title="Соседний черновик")
    foreign_published = _practice(elsewhere, title="Чужая", is_published=True)
    head = user_with_role(Role.HEAD, organization=school)
    assert set(selectors.practices_visible(head)) == {own_draft, neighbour_published}
    coordinator = user_with_role(Role.COORDINATOR, municipality=school.municipality)
    assert set(selectors.practices_visible(coordinator)) == {own_draft, neighbour_published, neighbour_draft}
    assert foreign_published not in set(selectors.practices_visible(coordinator))
