"""Writes of the participants' side: meeting feedback and meeting proposals by participants, and
the notices about their questionnaires (announcement when a campaign opens, the curators'
«напомнить не ответившим»), claimed in the notifications' exactly-once reminder log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from accounts import scoping
from mentorship.models import (
    Meeting,
    MeetingFeedback,
    MeetingFormat,
    Pair,
    PairParticipant,
    ParticipantRole,
    Stage,
)
from monitoring.models import Campaign, CampaignStatus, Response
from monitoring.selectors import non_responders
from notifications.kinds import Kind
from notifications.models import ReminderLog, ReminderStatus
from notifications.providers import Planned
from notifications.services import (
    TransientDeliveryError,
    local_today,
    reminder_deliver,
    reminder_rows,
    reminders_claim,
)
from notifications.tasks import enqueue_sweep

# Meetings --------------------------------------------------------------------------------------------


def _my_sides(user, pair_id: int) -> set[str]:
    if not scoping.is_participant(user):
        return set()
    return set(PairParticipant.objects.filter(pair_id=pair_id, person__user=user).values_list("role", flat=True))


@transaction.atomic
def meeting_feedback_give(*, user, meeting: Meeting, side: str, rating: int, text: str) -> Meeting:
    """The participant's own feedback on a held meeting. Each person's is kept apart
    (MeetingFeedback); the meeting's side fields get the side's summary, so in a group the second
    mentee's words never replace the first one's."""
    if side not in _my_sides(user, meeting.pair_id):
        raise PermissionDenied("Отзыв даёт участник этой встречи.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.held_on > scoping.user_today(user):
        raise ValidationError("Встреча ещё не прошла: отзыв можно оставить после неё.")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError({"rating": "Оценка — от 1 до 10."}) from None
    if not 1 <= rating <= 10:
        raise ValidationError({"rating": "Оценка — от 1 до 10."})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Напишите несколько слов о встрече."})
    mine = (
        PairParticipant.objects.filter(pair_id=meeting.pair_id, person__user=user, role=side)
        .select_related("person")
        .first()
    )
    if mine is None:  # checked above; a participant removed from the pair meanwhile
        raise PermissionDenied("Отзыв даёт участник этой встречи.")
    person = mine.person
    MeetingFeedback.objects.update_or_create(
        meeting=meeting, person=person, side=side, defaults={"rating": rating, "text": text}
    )
    given = list(MeetingFeedback.objects.filter(meeting=meeting, side=side).select_related("person"))
    if len(given) == 1:
        summary_rating, summary_text = given[0].rating, given[0].text
    else:
        summary_rating = round(sum(f.rating for f in given) / len(given))
        summary_text = "\n".join(f"{f.person.short_name}: {f.text}" for f in given)
    if side == ParticipantRole.MENTOR:
        meeting.mentor_rating, meeting.mentor_feedback = summary_rating, summary_text
        fields = ["mentor_rating", "mentor_feedback"]
    else:
        meeting.mentee_rating, meeting.mentee_feedback = summary_rating, summary_text
        fields = ["mentee_rating", "mentee_feedback"]
    meeting.full_clean()
    meeting.save(update_fields=fields)
    return meeting


@transaction.atomic
def meeting_propose(
    *, user, pair: Pair, held_on: dt.date, format: str, topic: str, stage: str = Stage.JOINT, duration_minutes: int = 45
) -> Meeting:
    """A mentor enters a meeting of their pair (planned or held): the curator need not retype it."""
    if ParticipantRole.MENTOR not in _my_sides(user, pair.pk):
        raise PermissionDenied("Встречу предлагает наставник пары.")
    if not pair.is_open:
        raise ValidationError("Пара завершена: новые встречи не вносятся.")
    if format not in MeetingFormat.values:
        raise ValidationError({"format": "Выберите формат встречи."})
    meeting = Meeting(
        pair=pair,
        held_on=held_on,
        format=format,
        topic=(topic or "").strip(),
        stage=stage,
        duration_minutes=duration_minutes,
        proposed_by=user,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


# Reminders to participants who have not answered -------------------------------------------------------------------------
@dataclass
class RemindResult:
    sent: int  # reminders claimed and delivered now
    already: int  # people already reminded today (at most once a day)
    without_account: int  # participants with no account: the curator hands them paper


def _remind_organization_ids(user, campaign: Campaign) -> list[int]:
    org_ids = list(campaign.assignments.values_list("organization_id", flat=True))
    if scoping.can_run_monitoring(user, campaign.municipality_id):
        return org_ids
    return [pk for pk in org_ids if scoping.can_edit_organization(user, pk)]


def _participant_path(response_id: int) -> str:
    try:
        return reverse("participant:questionnaire", args=[response_id])
    except NoReverseMatch:  # the participants' pages are not installed: the notice still says what to do
        return ""


def _notify_participants(*, campaign: Campaign, org_ids: list[int], kind: str, deliver: bool) -> tuple[int, int, int]:
    """One notice per participant (with an account) who has not answered: the key is claimed in
    the reminder log first, so repeats and concurrent calls send nothing twice. Returns
    (people, claimed now, delivered now)."""
    municipality = campaign.municipality
    today = local_today(municipality)
    by_user: dict[int, list] = {}
    for r in non_responders(campaign, org_ids):
        if r.person is None or r.person.user_id is None:
            continue  # the selector keeps only rows of a person with an account
        by_user.setdefault(r.person.user_id, []).append(r)
    planned = []
    for rows in by_user.values():
        account = rows[0].person.user
        titles = "; ".join(sorted({r.questionnaire.title for r in rows}))
        if kind == Kind.QUESTIONNAIRE_REMINDER:
            # the key names the person's account: at most one reminder a day per person
            key = ("accounts.user", account.pk)
            title = f"Напоминание: заполните анкету до {campaign.deadline:%d.%m.%Y}"
        else:
            key = ("monitoring.campaign", campaign.pk)
            title = f"Новая анкета: заполните до {campaign.deadline:%d.%m.%Y}"
        planned.append(
            Planned(
                object_type=key[0],
                object_id=key[1],
                kind=kind,
                recipients=(account,),
                title=title,
                message=f"Вас ждёт анкета ({titles}) в мониторинге «{campaign.title}». Срок — {campaign.deadline:%d.%m.%Y}.",
                path=_participant_path(rows[0].pk),
                organization_id=rows[0].assignment.organization_id,
                due_date=campaign.deadline,
            )
        )
    claimed = reminders_claim(rows=reminder_rows(municipality=municipality, today=today, planned=planned))
    sent = 0
    if deliver:
        pending = ReminderLog.objects.filter(
            municipality=municipality,
            date=today,
            kind=kind,
            status=ReminderStatus.PENDING,
            recipient_id__in=list(by_user),
        ).select_related("recipient")
        for log in pending:
            try:
                status = reminder_deliver(log_id=log.pk, log=log)
            except TransientDeliveryError:
                continue  # the letter waits for the next sweep; the in-app notice is already there
            if status == ReminderStatus.SENT:
                sent += 1
    return len(by_user), claimed, sent


def questionnaire_remind(*, user, campaign: Campaign, organization_id: int | None = None) -> RemindResult:
    """«Напомнить не ответившим»: one reminder per person and local day, whoever presses the button
    how many times (the key is claimed in the reminder log before anything is sent)."""
    if not campaign.is_questionnaire:
        raise ValidationError("Напоминания об анкетах — только для анкетирования.")
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Сбор анкет не идёт: напоминать некому.")
    org_ids = _remind_organization_ids(user, campaign)
    if organization_id is not None:
        org_ids = [pk for pk in org_ids if pk == organization_id]
    if not org_ids:
        raise PermissionDenied("Нет права напоминать участникам этой кампании.")
    people, claimed, sent = _notify_participants(
        campaign=campaign, org_ids=org_ids, kind=Kind.QUESTIONNAIRE_REMINDER, deliver=True
    )
    without = (
        Response.objects.filter(
            assignment__campaign=campaign,
            assignment__organization_id__in=org_ids,
            person__isnull=False,
            submitted_at__isnull=True,
        )
        .filter(Q(person__user__isnull=True) | Q(person__user__is_active=False))
        .values("person_id")
        .distinct()
        .count()
    )
    return RemindResult(sent=sent, already=people - claimed, without_account=without)


def questionnaire_announce(*, campaign: Campaign) -> int:
    """When a questionnaire campaign opens: each participant with an account gets their
    questionnaire in-app and by e-mail with the link. The notices are claimed here (inside the
    opening's transaction: an outbox) and delivered by the municipality's sweep, enqueued after
    commit, so opening a campaign of a thousand participants does not wait for the mail server."""
    if not campaign.is_questionnaire:
        return 0
    org_ids = list(campaign.assignments.values_list("organization_id", flat=True))
    _people, claimed, _sent = _notify_participants(
        campaign=campaign, org_ids=org_ids, kind=Kind.QUESTIONNAIRE_OPEN, deliver=False
    )
    if claimed:
        enqueue_sweep(campaign.municipality_id, kinds=[Kind.QUESTIONNAIRE_OPEN])
    return claimed


def announce_on_open(sender, *, campaign: Campaign, **kwargs) -> None:
    """Receiver of monitoring.signals.campaign_opened."""
    questionnaire_announce(campaign=campaign)
