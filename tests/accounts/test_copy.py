"""accounts.copy: COPY writes what bulk_create would (PostgreSQL), bulk_create elsewhere."""

import pytest

from accounts.copy import copy_insert_with_history, copy_links
from mentorship.models import Person, Subject

pytestmark = pytest.mark.django_db


def test_people_history_and_links_as_bulk_create_would(world):
    school = world.home.school
    awkward = "Tab\there, new\nline, back\\slash, кириллица"
    people = [
        Person(organization=school, last_name="Иванова", first_name="Анна", awards=awkward, is_mentor=True),
        Person(organization=school, last_name="Петров", first_name="Илья", experience_years=None),
    ]
    for person in people:
        person.refresh_name_key()
    copy_insert_with_history(Person, people, user=world.home.curator, change_reason="Загрузка из Excel")
    assert all(p.pk for p in people)
    stored = Person.objects.get(pk=people[0].pk)
    assert stored.awards == awkward and stored.is_mentor and stored.created_at and stored.name_key
    assert Person.objects.get(pk=people[1].pk).experience_years is None
    record = stored.history.get()
    assert record.history_type == "+" and record.history_user == world.home.curator
    assert record.history_change_reason == "Загрузка из Excel" and record.awards == awkward
    subject = Subject.objects.create(name="Предмет для проверки COPY")
    copy_links(Person.subjects.through, "person_id", "subject_id", [(people[0].pk, subject.pk)])
    assert list(stored.subjects.all()) == [subject]
