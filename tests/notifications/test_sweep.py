"""The sweep: what is reminded to whom, once, in the municipality's time zone, with opt-outs."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.kinds import Kind, daily_then_weekly, first_then_weekly
from notifications.models import Notification, ReminderLog, ReminderStatus
from notifications.tasks import sweep_municipality
from roadmaps.models import ExecutionStatus
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.notifications.factories import meeting, mentee, opt_out, pair, record_due, roadmap_for, rules

TODAY = dt.date(2026, 11, 23)


def sweep(side, today=TODAY, kinds=None):
    return services.sweep_run(municipality=side.municipality, today=today, kinds=kinds)


def kinds_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# Cadence ------------------------------------------------------------------------------------------
def test_overdue_cadence_is_daily_for_three_days_then_weekly():
    assert [d for d in range(0, 40) if daily_then_weekly(d)] == [1, 2, 3, 10, 17, 24, 31, 38]
    assert [d for d in range(0, 40) if first_then_weekly(d, first=15)] == [15, 22, 29, 36]


# What is reminded ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (7, Kind.ROADMAP_DUE_SOON),
        (1, Kind.ROADMAP_DUE_SOON),
        (0, Kind.ROADMAP_DUE_TODAY),
        (-1, Kind.ROADMAP_OVERDUE),
        (-3, Kind.ROADMAP_OVERDUE),
        (-10, Kind.ROADMAP_OVERDUE),
    ],
)
def test_school_record_reminds_the_curator(world, offset, kind):
    record_due(TODAY + dt.timedelta(days=offset), organization=world.home.school)
    result = sweep(world.home)
    assert result.total == 1
    assert kinds_of(world.home.curator) == [kind]
    log = ReminderLog.objects.get()
    assert (log.recipient, log.object_id, log.date, log.status) == (world.home.curator, log.object_id, TODAY, "sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.home.curator.email]
    # nobody else: not the other school's staff, not the head, not the foreign side
    assert Notification.objects.exclude(recipient=world.home.curator).count() == 0


@pytest.mark.parametrize("offset", [6, 2, -4, -5, -9])
def test_days_without_a_reminder(world, offset):
    record_due(TODAY + dt.timedelta(days=offset), organization=world.home.school)
    assert sweep(world.home).total == 0


def test_done_draft_and_other_municipality_records_are_not_reminded(world):
    record_due(TODAY, organization=world.home.school, status=ExecutionStatus.DONE)
    record_due(
        TODAY,
        organization=world.home.school,
        roadmap=roadmap_for(world.home.municipality, world.home.school, status="draft"),
    )
    record_due(TODAY, organization=world.foreign.school)
    assert sweep(world.home).total == 0


def test_days_before_are_configurable_per_municipality(world):
    rules(world.home.municipality, days_before="14, 3")
    for days in (14, 7, 3, 1):
        record_due(TODAY + dt.timedelta(days=days), organization=world.home.school)
    result = sweep(world.home)
    assert result.sent == {Kind.ROADMAP_DUE_SOON: 1}  # one notice for the school, listing both
    note = Notification.objects.get()
    assert note.title == f"Скоро срок: 2 мероприятия в {world.home.school.short_name}"
    assert "через 14 дней" in note.message and "через 3 дня" in note.message


def test_municipal_record_goes_to_the_coordinators(world):
    record_due(TODAY, municipality=world.home.municipality)
    sweep(world.home)
    assert kinds_of(world.home.coordinator) == [Kind.ROADMAP_DUE_TODAY]
    assert kinds_of(world.home.curator) == []
    assert kinds_of(world.home.methodologist) == []


def test_escalation_to_the_coordinator_after_configured_days(world):
    rules(world.home.municipality, escalation_days=5)
    record_due(TODAY - dt.timedelta(days=6), organization=world.home.school)  # day 6: first escalation
    record_due(TODAY - dt.timedelta(days=5), organization=world.home.other_school)  # not yet
    sweep(world.home)
    assert kinds_of(world.home.coordinator) == [Kind.ROADMAP_ESCALATION]
    assert "просрочка 6 дней" in Notification.objects.get(recipient=world.home.coordinator).title
    assert kinds_of(world.foreign.coordinator) == []


def test_weekly_digest_lists_overdue_by_organization(world):
    record_due(TODAY - dt.timedelta(days=2), organization=world.home.school)
    record_due(TODAY - dt.timedelta(days=40), organization=world.home.school)
    record_due(TODAY - dt.timedelta(days=1), organization=world.home.other_school)
    sweep(world.home, kinds=[Kind.WEEKLY_DIGEST])
    digest = Notification.objects.get(recipient=world.home.coordinator, kind=Kind.WEEKLY_DIGEST)
    assert "просрочено мероприятий дорожных карт: 3" in digest.message
    assert f"— {world.home.school.short_name}: 2" in digest.message
    assert f"— {world.home.other_school.short_name}: 1" in digest.message
    assert not Notification.objects.filter(recipient=world.home.curator).exists()


def test_digest_joins_a_full_day_only_on_its_weekday(world):
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    assert Kind.WEEKLY_DIGEST in services.kinds_for_date(world.home.municipality, monday)
    assert Kind.WEEKLY_DIGEST not in services.kinds_for_date(world.home.municipality, tuesday)


# Exactly once -------------------------------------------------------------------------------------
def test_sweep_run_twice_sends_once(world):
    record_due(TODAY, organization=world.home.school)
    record_due(TODAY + dt.timedelta(days=7), municipality=world.home.municipality)
    first = sweep(world.home)
    second = sweep(world.home)
    assert (first.total, second.total) == (2, 0)
    assert second.claimed == 0
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_task_retried_or_duplicated_sends_nothing_twice(world):
    record_due(TODAY, organization=world.home.school)
    for _ in range(3):
        sweep_municipality.delay(world.home.municipality.pk, TODAY.isoformat())
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_row_in_flight_is_not_delivered_by_another_sweep(world):
    """A row another worker is sending (or died sending) is left alone: never twice."""
    record_due(TODAY, organization=world.home.school)
    planned = services.reminders_collect(municipality=world.home.municipality, today=TODAY)
    services.reminders_claim(
        rows=services.reminder_rows(municipality=world.home.municipality, today=TODAY, planned=planned)
    )
    ReminderLog.objects.update(status=ReminderStatus.SENDING, sending_at=timezone.now())
    assert sweep(world.home).total == 0
    assert mail.outbox == []


def test_a_user_holding_two_roles_gets_one_reminder(world):
    from accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=world.home.coordinator, role=Role.CURATOR, organization=world.home.school)
    record_due(TODAY, organization=world.home.school)
    sweep(world.home)
    assert kinds_of(world.home.coordinator) == [Kind.ROADMAP_DUE_TODAY]


# Opt-out ------------------------------------------------------------------------------------------
def test_opt_out_of_a_kind_is_respected(world):
    opt_out(world.home.curator, Kind.ROADMAP_DUE_TODAY)
    record_due(TODAY, organization=world.home.school)
    record_due(TODAY - dt.timedelta(days=1), organization=world.home.school)
    result = sweep(world.home)
    assert kinds_of(world.home.curator) == [Kind.ROADMAP_OVERDUE]
    assert result.skipped == 1
    assert ReminderLog.objects.get(kind=Kind.ROADMAP_DUE_TODAY).status == ReminderStatus.SKIPPED
    assert [m.subject for m in mail.outbox] == [Notification.objects.get().title and mail.outbox[0].subject]
    assert len(mail.outbox) == 1 and "Просрочено" in mail.outbox[0].subject


def test_email_opt_out_keeps_the_in_app_notification(world):
    opt_out(world.home.curator, Kind.ROADMAP_DUE_TODAY, email_only=True)
    record_due(TODAY, organization=world.home.school)
    sweep(world.home)
    assert kinds_of(world.home.curator) == [Kind.ROADMAP_DUE_TODAY]
    assert mail.outbox == []
    assert ReminderLog.objects.get().status == ReminderStatus.SENT


def test_user_without_email_gets_in_app_only(world):
    world.home.curator.email = ""
    world.home.curator.save()
    record_due(TODAY, organization=world.home.school)
    sweep(world.home)
    assert kinds_of(world.home.curator) == [Kind.ROADMAP_DUE_TODAY] and mail.outbox == []


# E-mail ------------------------------------------------------------------------------------------
def test_letter_is_russian_with_an_absolute_link(world, settings):
    settings.SITE_URL = "https://nastavnik.example.ru"
    record = record_due(TODAY + dt.timedelta(days=1), organization=world.home.school)
    sweep(world.home)
    letter = mail.outbox[0]
    assert letter.subject.startswith("«Наставник»: Через 1 день срок")
    assert f"https://nastavnik.example.ru/roadmaps/records/{record.pk}/" in letter.body
    assert "срок — 24.11.2026" in letter.body
    assert letter.extra_headers["X-Nastavnik-Reminder"] == ReminderLog.objects.get().key
    html = (
        letter.alternatives[0][0] if hasattr(letter.alternatives[0], "__getitem__") else letter.alternatives[0].content
    )
    assert 'href="https://nastavnik.example.ru/roadmaps/records/' in html


class FlakySMTP:
    """An e-mail backend that fails the first `failures` sends with `error`."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("connection lost")
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakySMTP.failures > 0:
            FlakySMTP.failures -= 1
            raise FlakySMTP.error
        FlakySMTP.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_sweep.FlakySMTP"
    FlakySMTP.sent = []
    yield FlakySMTP


def run_until_done(municipality, date, limit=10):
    """What the broker does with a retried task: run it again until it stops asking for a retry."""
    from celery.exceptions import Retry

    retries = 0
    for _ in range(limit):
        try:
            return sweep_municipality.delay(municipality.pk, date.isoformat()).get(), retries
        except Retry as exc:
            retries += 1
            assert exc.when == 60 * 2**0  # eager runs restart at retries=0; the countdown doubles on a worker
    raise AssertionError("still retrying")


def test_transient_smtp_error_is_retried_and_sent_once(world, flaky_smtp):
    flaky_smtp.failures, flaky_smtp.error = 2, smtplib.SMTPServerDisconnected("connection lost")
    record_due(TODAY, organization=world.home.school)
    result, retries = run_until_done(world.home.municipality, TODAY)
    assert retries == 2
    assert result["total"] == 1
    assert len(flaky_smtp.sent) == 1
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts, log.email_sent) == (ReminderStatus.SENT, 3, True)
    assert Notification.objects.count() == 1


def test_permanent_smtp_error_is_not_retried(world, flaky_smtp):
    flaky_smtp.failures = 1
    flaky_smtp.error = smtplib.SMTPRecipientsRefused({"x@example.ru": (550, b"no such user")})
    record_due(TODAY, organization=world.home.school)
    result = sweep_municipality.delay(world.home.municipality.pk, TODAY.isoformat()).get()
    assert result["failed"] == 1 and result["total"] == 0
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == (ReminderStatus.FAILED, 1)
    assert "550" in log.error
    assert Notification.objects.count() == 1  # the in-app part did reach the user
    assert sweep(world.home).total == 0 and flaky_smtp.sent == []


def test_retries_are_bounded(world, flaky_smtp):
    flaky_smtp.failures, flaky_smtp.error = 100, smtplib.SMTPConnectError(421, "try later")
    record_due(TODAY, organization=world.home.school)
    result, retries = run_until_done(world.home.municipality, TODAY)
    assert retries == services.MAX_EMAIL_ATTEMPTS - 1
    assert result["failed"] == 1
    log = ReminderLog.objects.get()
    assert (log.status, log.attempts) == (ReminderStatus.FAILED, services.MAX_EMAIL_ATTEMPTS)
    assert flaky_smtp.sent == []


# Time zones --------------------------------------------------------------------------------------
@pytest.fixture
def three_cities(db):
    cities = {}
    for name, tz in (
        ("Норильск", "Asia/Krasnoyarsk"),
        ("Нижневартовск", "Asia/Yekaterinburg"),
        ("Москва", "Europe/Moscow"),
    ):
        municipality = MunicipalityFactory(name=f"город {name}", timezone=tz)
        school = OrganizationFactory(municipality=municipality)
        curator = user_with_role("curator", organization=school)
        record_due(dt.date(2026, 11, 23), organization=school)
        cities[name] = (municipality, curator)
    return cities


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # 16:59 UTC: 23:59 in Norilsk, still the 22nd everywhere → "tomorrow" (1 day before) for all
        (
            "2026-11-22T16:59:00",
            {"Норильск": "roadmap_due_soon", "Нижневартовск": "roadmap_due_soon", "Москва": "roadmap_due_soon"},
        ),
        # 17:00 UTC: midnight in Norilsk (the 23rd), 22:00 in Nizhnevartovsk, 20:00 in Moscow
        (
            "2026-11-22T17:00:00",
            {"Норильск": "roadmap_due_today", "Нижневартовск": "roadmap_due_soon", "Москва": "roadmap_due_soon"},
        ),
        # 19:00 UTC: the 23rd in Norilsk and Nizhnevartovsk, 22:00 of the 22nd in Moscow
        (
            "2026-11-22T19:00:00",
            {"Норильск": "roadmap_due_today", "Нижневартовск": "roadmap_due_today", "Москва": "roadmap_due_soon"},
        ),
        # 21:00 UTC: the 23rd everywhere
        (
            "2026-11-22T21:00:00",
            {"Норильск": "roadmap_due_today", "Нижневартовск": "roadmap_due_today", "Москва": "roadmap_due_today"},
        ),
        # 17:00 UTC on the 23rd: Norilsk is past midnight, the record is one day overdue there only
        (
            "2026-11-23T17:00:00",
            {"Норильск": "roadmap_overdue", "Нижневартовск": "roadmap_due_today", "Москва": "roadmap_due_today"},
        ),
    ],
)
def test_today_is_the_municipality_s_own(three_cities, monkeypatch, utc, expected):
    now = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    for municipality, _ in three_cities.values():
        sweep_municipality.delay(municipality.pk)  # no date: the task asks for the local today
    got = {name: kinds_of(curator) for name, (_, curator) in three_cities.items()}
    assert got == {name: [kind] for name, kind in expected.items()}


# Mentorship and monitoring ---------------------------------------------------------------------
def test_mentee_waiting_more_than_14_days(world):
    mentee(world.home.school, since=TODAY - dt.timedelta(days=15), last_name="Ждущая")
    mentee(world.home.school, since=TODAY - dt.timedelta(days=14), last_name="Недавняя")
    matched = mentee(world.home.school, since=TODAY - dt.timedelta(days=15), last_name="Сопряжённая")
    from mentorship.models import PairParticipant

    PairParticipant.objects.create(pair=pair(world.home.school, started_on=TODAY), person=matched, role="mentee")
    sweep(world.home, kinds=[Kind.MENTEE_WAITING])
    titles = list(Notification.objects.filter(recipient=world.home.curator).values_list("title", flat=True))
    assert len(titles) == 1 and titles[0].startswith("Ждущая А.П. ждёт наставника 15 дней")


def test_meeting_without_both_feedbacks_after_three_days(world):
    p = pair(world.home.school, started_on=TODAY - dt.timedelta(days=60))
    meeting(p, held_on=TODAY - dt.timedelta(days=3), mentor_feedback=True)
    meeting(p, held_on=TODAY - dt.timedelta(days=3), mentor_feedback=True, mentee_feedback=True)
    meeting(p, held_on=TODAY - dt.timedelta(days=2))
    sweep(world.home, kinds=[Kind.MEETING_FEEDBACK_MISSING])
    notes = list(Notification.objects.filter(recipient=world.home.curator))
    assert len(notes) == 1 and "нет обратной связи наставляемого" in notes[0].message


def test_active_pair_without_meetings_for_30_days(world):
    quiet = pair(world.home.school, started_on=TODAY - dt.timedelta(days=90))
    meeting(quiet, held_on=TODAY - dt.timedelta(days=30), mentor_feedback=True, mentee_feedback=True)
    busy = pair(world.home.school, started_on=TODAY - dt.timedelta(days=90))
    meeting(busy, held_on=TODAY - dt.timedelta(days=29))
    pair(world.home.school, status="forming", started_on=TODAY - dt.timedelta(days=30))
    sweep(world.home, kinds=[Kind.PAIR_INACTIVE])
    notes = list(Notification.objects.filter(recipient=world.home.curator))
    assert [n.path for n in notes] == [f"/mentorship/pairs/{quiet.pk}/"]


def test_a_kind_whose_app_is_missing_is_skipped(world, monkeypatch):
    """Kinds are registered by the app that owns the data: without mentorship and monitoring
    (their kinds unregistered) the roadmap reminders still go out."""
    from accounts import reminders

    kept = {k: v for k, v in reminders._registry.items() if v.app_label == "roadmaps"}
    monkeypatch.setattr(reminders, "_registry", kept)
    record_due(TODAY, organization=world.home.school)
    mentee(world.home.school, since=TODAY - dt.timedelta(days=15))
    assert sweep(world.home, kinds=services.kinds_for_date(world.home.municipality, TODAY)).sent == {
        Kind.ROADMAP_DUE_TODAY: 1,
        Kind.WEEKLY_DIGEST: 1,
    }


def test_a_kind_whose_table_is_missing_is_skipped_with_a_warning(world, monkeypatch, caplog):
    from notifications import providers

    monkeypatch.setattr(providers, "_table_names", lambda: frozenset({"roadmaps_executionrecord"}))
    monkeypatch.setattr(providers, "_present_tables", set())  # as in a process that has not found them yet
    assert providers.get_provider(Kind.MENTEE_WAITING) is None
    assert "mentorship_person" in caplog.text
    assert providers.get_provider(Kind.ROADMAP_DUE_TODAY) is not None
    # a table found is not looked for again: a later sweep or page pays no query for it
    monkeypatch.setattr(providers, "_table_names", lambda: pytest.fail("tables read again"))
    assert providers.get_provider(Kind.ROADMAP_DUE_TODAY) is not None


def test_monitoring_assignment_not_submitted_by_deadline(world):
    from monitoring.models import Assignment, Campaign

    def campaign(deadline, status="open"):
        return Campaign.objects.create(
            municipality=world.home.municipality,
            kind="annual",
            title=f"Справка до {deadline:%d.%m}",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            deadline=deadline,
            status=status,
        )

    late = campaign(TODAY - dt.timedelta(days=2))
    Assignment.objects.create(campaign=late, organization=world.home.school, status="draft")
    Assignment.objects.create(campaign=late, organization=world.home.other_school, status="submitted")
    Assignment.objects.create(campaign=campaign(TODAY), organization=world.home.school, status="draft")
    Assignment.objects.create(
        campaign=campaign(TODAY - dt.timedelta(days=5)), organization=world.home.school, status="returned"
    )  # day 5: between daily and weekly
    sweep(world.home, kinds=[Kind.CAMPAIGN_REPORT_OVERDUE])
    notes = list(Notification.objects.all())
    assert [n.recipient for n in notes] == [world.home.curator]
    assert notes[0].title == f"Не сдано в срок: Справка до {late.deadline:%d.%m}"
    assert "2 дня назад" in notes[0].message


def test_disabled_municipality_sends_nothing(world):
    rules(world.home.municipality, enabled=False)
    record_due(TODAY, organization=world.home.school)
    assert sweep(world.home).total == 0
