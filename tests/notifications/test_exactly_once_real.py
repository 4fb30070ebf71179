"""Exactly once against real concurrency: PostgreSQL sessions in parallel, and a real worker killed mid-sweep."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import Notification, ReminderLog, ReminderStatus
from notifications.tasks import sweep_municipality
from tests.notifications.factories import municipality_with_due_schools

pytestmark = pytest.mark.postgres


def _municipality_with_due_records(records: int, curators: int = 2, kinds: int = 2):
    return municipality_with_due_schools(records, curators=curators, kinds=kinds)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL (SQLite serialises the whole file)")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_TEST_SEND_DELAY = 0.01  # widen the window in which the two sweeps overlap
    municipality, today = _municipality_with_due_records(15, curators=2)
    mail.outbox = []
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.sweep_run(municipality=municipality, today=today))
        except Exception as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r.total for r in results) == 60
    # each curator's two reminders went in one letter, whichever sweep claimed them
    keys = [key for m in mail.outbox for key in m.extra_headers["X-Nastavnik-Reminder"].split()]
    assert len(keys) == 60 and len(set(keys)) == 60
    assert len(mail.outbox) == 30 and len({m.to[0] for m in mail.outbox}) == 30
    assert Notification.objects.count() == 60
    assert ReminderLog.objects.filter(status=ReminderStatus.SENT).count() == 60


@pytest.mark.real_worker
def test_worker_killed_mid_sweep_then_restarted_sends_the_rest_once(killable_worker):
    municipality, today = _municipality_with_due_records(20, curators=2)  # 80 keys, 40 letters, 0.15 s each
    expected = 80
    killable_worker.start()
    # beat fired twice (a duplicate schedule): both sweeps run in parallel on the two pool processes
    for _ in range(2):
        sweep_municipality.apply_async(
            kwargs={"municipality_id": municipality.pk, "date": today.isoformat()}, queue=killable_worker.queue
        )
    deadline = time.monotonic() + 60
    while sum(killable_worker.letters().values()) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    killable_worker.kill()
    before = killable_worker.letters()
    assert 6 <= sum(before.values()) < expected, "the kill must land in the middle of the sweep"
    assert ReminderLog.objects.filter(status=ReminderStatus.PENDING).exists()
    sent_before = ReminderLog.objects.filter(status=ReminderStatus.SENT).count()

    killable_worker.start()
    # the next run (beat's retry, an operator, or the redelivered message) finds what is left
    result = sweep_municipality.apply_async(
        kwargs={"municipality_id": municipality.pk, "date": today.isoformat()}, queue=killable_worker.queue
    )
    summary = result.get(timeout=120)
    letters = killable_worker.letters()
    logs = {log.key: log for log in ReminderLog.objects.all()}

    assert len(logs) == expected
    assert max(letters.values()) == 1, "a key was e-mailed twice"
    assert set(letters) <= set(logs)
    sent = {k for k, log in logs.items() if log.status == ReminderStatus.SENT}
    uncertain = {k for k, log in logs.items() if log.status == ReminderStatus.SENDING}
    # every key either went out exactly once, or was in the hands of a killed process (at most one
    # letter's rows per pool process); those are shown as «отправка не подтверждена», never sent again
    assert sent | uncertain == set(logs)
    assert len({logs[k].recipient_id for k in uncertain}) <= 2
    assert all(letters.get(k) == 1 for k in sent)
    assert summary["total"] == len(sent) - sent_before
    # the in-app notification is written with the claim: exactly one per key, the uncertain ones too
    assert Notification.objects.count() == expected
    assert Notification.objects.values("reminder").distinct().count() == expected

    # and one more duplicate run sends nothing at all
    again = sweep_municipality.apply_async(
        kwargs={"municipality_id": municipality.pk, "date": today.isoformat()}, queue=killable_worker.queue
    ).get(timeout=60)
    assert again["total"] == 0
    assert killable_worker.letters() == letters
