"""Every monitoring view as insider, read-only user and outsider; constant queries on lists."""

import datetime as dt

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Assignment, AssignmentStatus, CampaignKind, Response
from tests.factories import OrganizationFactory
from tests.monitoring import factories as f


@pytest.fixture
def camp(world):
    return f.campaign(world.home)


def _assignment(camp, org):
    return Assignment.objects.get(campaign=camp, organization=org)


def test_campaign_list_shows_rates_and_only_own_municipality(world, camp, client_for):
    services.assignment_submit(user=world.home.curator, assignment=_assignment(camp, world.home.school))
    page = client_for(world.home.methodologist).get(reverse("monitoring:campaign_list")).content.decode()
    assert camp.title in page and "(50 %)" in page
    assert (
        camp.title
        not in client_for(world.foreign.methodologist).get(reverse("monitoring:campaign_list")).content.decode()
    )


def test_campaign_list_is_paged_newest_deadline_first_with_each_pages_rates(world, client_for):
    import datetime as dt

    today = world.home.municipality.today()
    campaigns = [f.campaign(world.home, deadline=today + dt.timedelta(days=n), year=today.year) for n in range(27)]
    client = client_for(world.home.methodologist)
    first = client.get(reverse("monitoring:campaign_list"))
    assert [c.pk for c in first.context["campaigns"]] == [c.pk for c in campaigns[::-1][:25]]
    assert all(c.expected == 2 for c in first.context["campaigns"])
    assert "Записи 1–25 из 27" in first.content.decode()
    second = client.get(reverse("monitoring:campaign_list"), {"page": 2})
    assert [c.pk for c in second.context["campaigns"]] == [campaigns[1].pk, campaigns[0].pk]
    assert client.get(reverse("monitoring:campaign_list"), {"page": "x"}).status_code == 200


def test_campaign_list_owed_is_the_users_own_school_and_review_shows_the_oldest(world, client_for):
    campaigns = [f.campaign(world.home) for _ in range(14)]
    for camp in campaigns[:13]:
        for school in (world.home.school, world.home.other_school):
            services.assignment_submit(user=world.home.coordinator, assignment=_assignment(camp, school))
    curator = client_for(world.home.curator).get(reverse("monitoring:campaign_list"))
    assert [a.organization_id for a in curator.context["my_assignments"]] == [world.home.school.pk]
    # a coordinator may fill a school's report, but owes none: «от вашей организации» is not theirs
    coordinator = client_for(world.home.coordinator).get(reverse("monitoring:campaign_list"))
    assert coordinator.context["my_assignments"] == []
    text = coordinator.content.decode()
    assert "Ожидают сдачи от вашей организации" not in text
    assert text.count("Проверить</a>") == 25 and "Показаны 25 самых давних" in text


def test_campaign_detail_insider_readonly_outsider(world, camp, client_for):
    url = reverse("monitoring:campaign_detail", args=[camp.pk])
    page = client_for(world.home.methodologist).get(url).content.decode()
    assert 'data-testid="reporting-rate"' in page and world.home.other_school.short_name in page
    # the curator sees the campaign but only their school's row
    page = client_for(world.home.curator).get(url).content.decode()
    assert world.home.school.short_name in page and world.home.other_school.short_name not in page
    assert "campaign-open" not in page
    for user in (world.foreign.methodologist, world.foreign.curator):
        assert client_for(user).get(url).status_code == 404
    assert client_for(world.home.curator).post(reverse("monitoring:campaign_open", args=[camp.pk])).status_code == 403
    assert (
        client_for(world.foreign.coordinator).post(reverse("monitoring:campaign_close", args=[camp.pk])).status_code
        == 404
    )


def test_campaign_detail_pages_its_assignments_in_name_order(world, camp):
    from monitoring import selectors

    names = sorted(
        a.organization.short_name for a in Assignment.objects.filter(campaign=camp).select_related("organization")
    )
    assert len(names) >= 2
    first = selectors.campaign_assignment_page(world.home.methodologist, camp, 1, per_page=1)
    last = selectors.campaign_assignment_page(world.home.methodologist, camp, len(names), per_page=1)
    assert first.paginator.count == len(names)
    assert [a.organization.short_name for a in first.object_list] == names[:1]
    assert [a.organization.short_name for a in last.object_list] == names[-1:]
    assert hasattr(first.object_list[0], "responses_done")  # the page's rows carry their counts
    # the curator's page holds their school only
    own = selectors.campaign_assignment_page(world.home.curator, camp, 1)
    assert [a.organization_id for a in own.object_list] == [world.home.school.pk]


def test_campaign_create_view(world, client_for):
    client = client_for(world.home.methodologist)
    today = dt.date.today()
    response = client.post(
        reverse("monitoring:campaign_create"),
        {
            "municipality": world.home.municipality.pk,
            "kind": CampaignKind.ACCOUNTING,
            "title": "Учёт, 1 квартал",
            "period_start": "01.01.2026",
            "period_end": "31.03.2026",
            "deadline": (today + dt.timedelta(days=9)).strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    campaign = world.home.municipality.monitoring_campaigns.get()
    assert campaign.organizations.count() == 2
    response = client.post(
        reverse("monitoring:campaign_create"),
        {
            "municipality": world.home.municipality.pk,
            "kind": CampaignKind.ACCOUNTING,
            "title": "Чужие",
            "period_start": "01.01.2026",
            "period_end": "31.03.2026",
            "deadline": "10.04.2026",
            "organizations": [world.foreign.school.pk],
        },
    )
    assert response.status_code == 200 and world.home.municipality.monitoring_campaigns.count() == 1
    assert client_for(world.home.curator).get(reverse("monitoring:campaign_create")).status_code == 403
    assert (
        client_for(world.foreign.methodologist)
        .post(
            reverse("monitoring:campaign_create"),
            {
                "municipality": world.home.municipality.pk,
                "kind": "annual",
                "title": "x",
                "period_start": "01.01.2026",
                "period_end": "02.01.2026",
                "deadline": "03.01.2026",
            },
        )
        .status_code
        == 200
    )  # invalid choice, nothing created
    assert world.home.municipality.monitoring_campaigns.count() == 1


def test_report_form_submit_return_accept_through_views(world, camp, client_for):
    a = _assignment(camp, world.home.school)
    url = reverse("monitoring:assignment_detail", args=[a.pk])
    curator = client_for(world.home.curator)
    response = curator.post(url, {"local_acts": "on", "website_url": "https://s1.example.ru/n", "submit": "1"})
    assert response.status_code == 200  # refused: the reason stands at the field, the draft is kept
    assert "Перечислите принятые локальные акты" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DRAFT and a.report.local_acts
    response = curator.post(
        url,
        {"local_acts": "on", "local_acts_list": "Приказ № 4", "website_url": "https://s1.example.ru/n", "submit": "1"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssignmentStatus.SUBMITTED and a.report.local_acts
    metod = client_for(world.home.methodologist)
    assert (
        metod.post(reverse("monitoring:assignment_return", args=[a.pk]), {"comment": "Нет приказа"}).status_code == 302
    )
    a.refresh_from_db()
    assert a.status == AssignmentStatus.RETURNED
    curator = client_for(world.home.curator)
    assert "Нет приказа" in curator.get(url).content.decode()
    curator.post(url, {"local_acts": "on", "local_acts_list": "Приказ № 5", "website_url": "", "submit": "1"})
    metod = client_for(world.home.methodologist)
    metod.post(reverse("monitoring:assignment_accept", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACCEPTED and a.report.local_acts_list == "Приказ № 5"
    # locked: no form, a POST is refused
    curator = client_for(world.home.curator)
    assert 'data-testid="report-form"' not in curator.get(url).content.decode()
    assert curator.post(url, {"problems": "x", "save": "1"}).status_code == 403


def test_assignment_views_scoping(world, camp, client_for):
    own, other = _assignment(camp, world.home.school), _assignment(camp, world.home.other_school)
    services.assignment_submit(user=world.home.curator, assignment=own)
    url = reverse("monitoring:assignment_detail", args=[own.pk])
    # head reads (read-only), cannot submit or accept
    head = client_for(world.home.head)
    page = head.get(url).content.decode()
    assert 'data-testid="auto-indicators"' in page and 'data-testid="accept"' not in page
    assert head.post(reverse("monitoring:assignment_accept", args=[own.pk])).status_code == 403
    # curator of the school: another school's report is 404
    assert (
        client_for(world.home.curator).get(reverse("monitoring:assignment_detail", args=[other.pk])).status_code == 404
    )
    for user in (world.foreign.methodologist, world.foreign.curator, world.foreign.coordinator):
        c = client_for(user)
        assert c.get(url).status_code == 404
        assert c.post(reverse("monitoring:assignment_accept", args=[own.pk])).status_code == 404
        assert c.post(reverse("monitoring:assignment_submit", args=[other.pk])).status_code == 404
    own.refresh_from_db()
    assert own.status == AssignmentStatus.SUBMITTED


def test_questionnaire_filled_by_curator(world, client_for):
    f.pair(world.home.school)
    c = f.campaign(world.home, kind=CampaignKind.QUALITY)
    response = Response.objects.filter(assignment__organization=world.home.school, role="mentee").first()
    url = reverse("monitoring:response_fill", args=[response.pk])
    curator = client_for(world.home.curator)
    questions = list(response.questionnaire.questions.all())
    assert curator.post(url, {}).status_code == 200  # required answers missing
    data = {}
    for q in questions:
        if q.kind == "scale":
            data[f"q{q.pk}"] = "7"
        elif q.kind == "single":
            data[f"q{q.pk}"] = q.option_list[1]
        elif q.kind == "multiple":
            data[f"q{q.pk}"] = q.option_list[:2]
    assert curator.post(url, data).status_code == 302
    response.refresh_from_db()
    assert response.submitted_at and response.answers.filter(scale=7).count() == sum(
        q.kind == "scale" for q in questions
    )
    multi = response.answers.get(question__kind="multiple")
    assert multi.choices == questions[5].option_list[:2]
    for user in (world.foreign.curator, world.foreign.methodologist):
        assert client_for(user).get(url).status_code == 404
    assert client_for(world.home.head).post(url, data).status_code == 403
    assert c.pk


def test_dashboard_and_ranking(world, camp, client_for):
    f.pair(world.home.school)
    page = (
        client_for(world.home.methodologist)
        .get(reverse("monitoring:dashboard") + "?year=" + str(dt.date.today().year))
        .content.decode()
    )
    assert "vendor/chart.js/chart.umd.min.js" in page and 'id="chart-data"' in page
    assert world.home.school.short_name in page and world.foreign.school.short_name not in page
    client = client_for(world.home.methodologist)
    assert client.post(reverse("monitoring:ranking")).status_code == 302
    page = client.get(reverse("monitoring:ranking")).content.decode()
    assert 'data-testid="ranking"' in page and world.home.school.short_name in page
    assert world.foreign.school.short_name not in page
    assert client_for(world.home.curator).get(reverse("monitoring:ranking")).status_code == 403
    # a foreign municipality id falls back to the user's own
    page = (
        client_for(world.home.methodologist)
        .get(reverse("monitoring:ranking") + f"?municipality={world.foreign.municipality.pk}")
        .content.decode()
    )
    assert world.foreign.school.short_name not in page


def _grow(world, n):
    for _ in range(n):
        org = OrganizationFactory(municipality=world.home.municipality)
        f.pair(org)
    c = f.campaign(world.home, organizations=list(world.home.municipality.organizations.all()))
    services.assignment_submit(user=world.home.coordinator, assignment=c.assignments.first())
    return c


@pytest.mark.parametrize("name", ["monitoring:campaign_list", "monitoring:dashboard", "monitoring:campaign_detail"])
def test_constant_queries(world, client_for, django_assert_num_queries, name):
    client = client_for(world.home.methodologist)
    counts = []
    for n in (1, 4):
        c = _grow(world, n)
        url = reverse(name, args=[c.pk]) if name.endswith("detail") else reverse(name)
        client.get(url)  # warm the session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[1]):
        client.get(url)
