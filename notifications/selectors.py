"""Reads, always through accounts.scoping: a user's notifications, the coordinator's sent log and preview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts import scoping
from accounts.models import Municipality
from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference, ReminderLog, ReminderStatus


def notifications_for(user) -> QuerySet[Notification]:
    """Only the user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


#: the attribute the session's user carries the bell's count in (read with the user, accounts.backends)
UNREAD_ATTR = "unread_notifications_count"


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    preloaded = getattr(user, UNREAD_ATTR, None)
    if preloaded is not None:
        return preloaded
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_expression() -> Coalesce:
    """The bell's count over a user row (registered with accounts.backends.register_user_annotation)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def log_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities whose sent log the user may read: coordinators' own (administrators: all)."""
    return scoping.editable_municipalities(user).order_by("name")


def sent_log(user, municipality: Municipality) -> QuerySet[ReminderLog]:
    qs = scoping.filter_by_municipality(user, ReminderLog.objects.filter(municipality=municipality), edit=True)
    return qs.select_related("recipient", "organization").order_by("-date", "-created_at", "-pk")


@dataclass
class Upcoming:
    """One reminder tomorrow's sweep would send: what the sweep's log row will hold, without
    building the row (the preview of a regional centre lists a thousand of them, a page at a time)."""

    object_type: str
    object_id: int
    kind: str
    recipient: Any
    organization_id: int | None
    title: str
    message: str
    send_email: bool
    status: str
    organization: Any = None  # set for the rows shown (`with_organizations`)

    @property
    def recipient_id(self) -> int:
        return self.recipient.pk

    def get_kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


KIND_LABELS = dict(ReminderLog._meta.get_field("kind").flatchoices)


def tomorrow_preview(user, municipality: Municipality) -> tuple[dt.date, list[Upcoming]]:
    """What tomorrow's sweep would send (opt-outs applied, already-sent removed): the providers and
    the recipients the sweep itself uses (`services.reminders_collect`, `services.recipients_of`)."""
    if not scoping.can_edit_municipality(user, municipality):
        return dt.date.min, []
    tomorrow = services.local_today(municipality) + dt.timedelta(days=1)
    rules = services.reminder_settings_for(municipality)
    planned = services.reminders_collect(
        municipality=municipality,
        today=tomorrow,
        kinds=services.kinds_for_date(municipality, tomorrow, rules=rules),
        rules=rules,
    )
    claimed = set(
        ReminderLog.objects.filter(municipality=municipality, date=tomorrow).values_list(
            "object_type", "object_id", "kind", "recipient_id"
        )
    )
    rows = [
        Upcoming(
            object_type=item.object_type,
            object_id=item.object_id,
            kind=item.kind,
            recipient=recipient,
            organization_id=item.organization_id,
            title=item.title[:300],
            message=item.message,
            send_email=wants_email,
            status=ReminderStatus.PENDING if wants_app else ReminderStatus.SKIPPED,
        )
        for item, recipient, wants_app, wants_email in services.recipients_of(planned)
        if (item.object_type, item.object_id, item.kind, recipient.pk) not in claimed
    ]
    return tomorrow, rows


def letter_count(rows: list[Upcoming]) -> int:
    """How many letters the rows make: a recipient's reminders of the day go in one letter
    (`services.letters_of`, as the sweep sends them); rows without e-mail make none."""
    return len(services.letters_of([r for r in rows if r.send_email]))  # an opted-out row has no e-mail


def with_organizations(user, rows: list[Upcoming]) -> list[Upcoming]:
    """The organizations of the rows shown (those the user may see), one query for the page."""
    organizations = {
        o.pk: o
        for o in scoping.visible_organizations(user).filter(
            pk__in={r.organization_id for r in rows if r.organization_id}
        )
    }
    for row in rows:
        row.organization = organizations.get(row.organization_id) if row.organization_id else None
    return rows


def preference_choices(user) -> list[dict]:
    prefs = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    out = []
    for kind in Kind:
        pref = prefs.get(kind.value)
        choice = "all" if pref is None else ("app" if pref.in_app else "none")
        out.append({"kind": kind.value, "label": kind.label, "choice": choice})
    return out
