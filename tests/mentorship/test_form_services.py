"""The writes that used to live in views: each checks the user, numbering is race-free, and a
community page names only the members the viewer may see elsewhere."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from mentorship import forms, selectors, services
from mentorship.models import Community, PlanItem
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair, make_program

pytestmark = pytest.mark.django_db


def test_person_save_refuses_an_organization_outside_the_scope(world):
    person = MentorFactory(organization=world.foreign.school)
    # an unbound form hands its instance over unchanged: the service alone must refuse it
    form = forms.PersonForm(instance=person, user=world.foreign.coordinator)
    with pytest.raises(PermissionDenied):
        services.person_save(user=world.home.coordinator, form=form)
    assert not MentorFactory._meta.model.history.filter(id=person.pk, history_type="~").exists()


def test_plan_items_are_numbered_one_after_another(world):
    program = make_program(make_pair(world.home.school))
    for title in ("Первая", "Вторая", "Третья"):
        form = forms.PlanItemForm({"title": title, "stage": PlanItem._meta.get_field("stage").default})
        assert form.is_valid(), form.errors
        services.plan_item_add(user=world.home.curator, program=program, form=form)
    assert list(program.items.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
    with pytest.raises(PermissionDenied):
        form = forms.PlanItemForm({"title": "Чужая", "stage": PlanItem._meta.get_field("stage").default})
        form.is_valid()
        services.plan_item_add(user=world.foreign.curator, program=program, form=form)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_plan_items_get_distinct_numbers(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes every write anyway")
    program = make_program(make_pair(world.home.school))
    errors = []

    def add(title):
        try:
            form = forms.PlanItemForm({"title": title, "stage": PlanItem._meta.get_field("stage").default})
            assert form.is_valid()
            services.plan_item_add(user=world.home.curator, program=program, form=form)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(f"Пункт {i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    orders = list(PlanItem.objects.filter(program=program).values_list("order", flat=True))
    assert sorted(orders) == [1, 2, 3, 4]


def test_community_lists_only_members_the_viewer_sees_elsewhere(world, client):
    community = Community.objects.create(municipality=world.home.municipality, title="Сообщество города")
    own = MentorFactory(organization=world.home.school, last_name="Своя")
    bank = MentorFactory(organization=world.home.other_school, last_name="Банковая", in_municipal_bank=True)
    hidden = MenteeFactory(organization=world.home.other_school, last_name="Скрытая")
    community.members.add(own, bank, hidden)
    members, hidden_count = selectors.community_members(world.home.curator, community)
    assert {p.last_name for p in members} == {"Своя", "Банковая"}
    assert hidden_count == 1
    client.force_login(world.home.curator)
    body = client.get(reverse("mentorship:community_detail", args=[community.pk])).content.decode()
    assert "Скрытая" not in body and "Своя" in body and "других организаций: 1" in body
    # the coordinator sees every school of the city
    members, hidden_count = selectors.community_members(world.home.coordinator, community)
    assert hidden_count == 0 and len(members) == 3


def test_community_member_add_needs_the_right(world):
    community = Community.objects.create(municipality=world.home.municipality, title="Сообщество")
    with pytest.raises(PermissionDenied):
        services.community_member_add(
            user=world.home.curator, community=community, person=MentorFactory(organization=world.home.school)
        )
