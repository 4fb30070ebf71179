"""The admin offers only what the user may see: choice lists, prefills from the query string,
inlines and list filters; odd query strings and proxy history pages answer without a 500."""

import pytest
from django.urls import reverse

from accounts.redirects import is_safe_url, safe_next
from tests.mentorship.factories import MenteeFactory, MentorFactory
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, ExecutionRecordFactory, RoadmapFactory

pytestmark = pytest.mark.django_db

FOREIGN_USER = "Чужаков"


@pytest.fixture
def named(world):
    """Foreign users and rows with names that only the other municipality has."""
    for user in (world.foreign.coordinator, world.foreign.curator, world.foreign.methodologist):
        user.last_name = FOREIGN_USER
        user.save()
    world.home.coordinator.last_name = "Свояков"
    world.home.coordinator.save()
    return world


def _selected(html: str, name: str) -> list[str]:
    """Values selected in the <select name=...> of the page (empty values left out)."""
    import re

    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if not match:
        return []
    return [v for v in re.findall(r'<option value="([^"]*)"[^>]*selected', match.group(1)) if v]


def _options(html: str) -> str:
    import re

    return " ".join(re.findall(r"<option[^>]*>[^<]*</option>", html))


@pytest.mark.parametrize(
    "url_name", ["admin:roadmaps_roadmap_add", "admin:monitoring_campaign_add", "admin:roadmaps_executionrecord_add"]
)
def test_add_forms_name_no_foreign_user_or_organization(client, named, url_name):
    client.force_login(named.home.coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert FOREIGN_USER not in body
    assert named.foreign.school.short_name not in body
    assert named.foreign.municipality.name not in _options(body)


def test_user_fields_are_read_only_and_author_is_the_admin_user(client, named):
    roadmap = RoadmapFactory(municipality=named.home.municipality, created_by=named.foreign.coordinator)
    client.force_login(named.home.coordinator)
    body = client.get(reverse("admin:roadmaps_roadmap_change", args=[roadmap.pk])).content.decode()
    assert 'name="created_by"' not in body


def test_prefill_from_query_string_outside_scope_is_ignored(client, named):
    foreign_roadmap = RoadmapFactory(municipality=named.foreign.municipality, title="Карта чужого города")
    client.force_login(named.home.coordinator)
    url = reverse("admin:roadmaps_roadmap_add")
    query = f"?organization={named.foreign.school.pk}&municipality={named.foreign.municipality.pk}"
    body = client.get(url + query + f"&parent={foreign_roadmap.pk}").content.decode()
    assert named.foreign.school.short_name not in body
    for name in ("organization", "municipality", "parent"):
        assert not _selected(body, name), name
    # the same prefill inside the scope is kept
    body = client.get(url + f"?organization={named.home.school.pk}").content.decode()
    assert f'<option value="{named.home.school.pk}" selected>' in body


def test_prefilled_raw_id_of_another_city_shows_no_name(client, named):
    roadmap = RoadmapFactory(municipality=named.foreign.municipality, title="Карта чужого города")
    client.force_login(named.home.coordinator)
    body = client.get(reverse("admin:roadmaps_activity_add") + f"?roadmap={roadmap.pk}").content.decode()
    assert "Карта чужого города" not in body


def test_list_filter_of_users_and_municipalities_lists_only_scoped_rows(client, named):
    activity = ActivityFactory(roadmap__municipality=named.home.municipality)
    due = DueDateFactory(activity=activity)
    ExecutionRecordFactory(activity=activity, due=due, organization=named.home.school)
    foreign = ActivityFactory(roadmap__municipality=named.foreign.municipality)
    ExecutionRecordFactory(activity=foreign, due=DueDateFactory(activity=foreign), organization=named.foreign.school)
    client.force_login(named.home.coordinator)
    body = client.get(reverse("admin:roadmaps_executionrecord_changelist")).content.decode()
    assert named.foreign.municipality.name not in body
    assert named.foreign.school.short_name not in body


@pytest.mark.parametrize("model", ["mentor", "mentee", "person"])
def test_history_pages_of_people_answer(client, named, model):
    person = (MentorFactory if model != "mentee" else MenteeFactory)(organization=named.home.school)
    client.force_login(named.home.coordinator)
    response = client.get(reverse(f"admin:mentorship_{model}_history", args=[person.pk]))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:mentorship_{model}_history", args=["abc"])).status_code in (302, 404)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:mentorship_person_export",
        "admin:mentorship_mentee_export",
        "admin:mentorship_pair_export",
        "admin:accounts_organization_export",
    ],
)
def test_export_with_a_filter_the_model_lacks_answers_a_message(client, named, url_name):
    client.force_login(named.home.coordinator)
    response = client.get(reverse(url_name) + "?no_such_field__exact=1", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "фильтр, которого нет" in text


def test_safe_next_refuses_other_hosts(rf):
    request = rf.get("/x/", {"next": "https://evil.example/steal"})
    assert safe_next(request, "/roadmaps/tasks/") == "/roadmaps/tasks/"
    for bad in ("//evil.example/", "https://evil.example/", "javascript:alert(1)", "\\\\evil.example", ""):
        assert not is_safe_url(rf.get("/"), bad)
    request = rf.get("/x/", {"next": "/roadmaps/?page=2"})
    assert safe_next(request, "/roadmaps/tasks/") == "/roadmaps/?page=2"


def test_record_and_activity_views_do_not_redirect_off_site(client, named):
    activity = ActivityFactory(roadmap__municipality=named.home.municipality)
    client.force_login(named.home.coordinator)
    response = client.post(
        reverse("roadmaps:activity_dates", args=[activity.pk]),
        {"dates": "01.09.2026", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]
