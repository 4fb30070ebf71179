"""Participants' own accounts: invitation, the one-time link, and closing the account.

Rules (issue 14):
- only an adult mentor or mentee is invited: pupils (and anyone whose consent a parent gave) never
  get an account, their feedback is entered by the mentor or the curator as before;
- a valid consent to personal-data processing must be on file;
- one human has one account: the same person row is mentor in one pair and mentee in another, and
  person rows of two organizations with the same e-mail share the account;
- withdrawing the consent (or anonymization after the retention period) closes the account.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import scoping
from accounts.models import Role, RoleAssignment, User
from accounts.tokens import INVITATION_DAYS, invitation_uid_and_token
from mentorship.models import Consent, Invitation, InvitationChannel, MenteeCategory, Person, PersonKind

_TRANSLIT = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "abvgdeejziiklmnoprstufhccss_y_eua")


def invite_refusal(person: Person) -> str:
    """Why this person cannot be invited (Russian), or "" when they can (one query, always)."""
    consents = list(Consent.objects.filter(person=person, withdrawn_on__isnull=True))
    if person.is_anonymized or not person.is_active:
        return "Участник выбыл из программы или его данные обезличены."
    if person.kind == PersonKind.PUPIL or person.mentee_category == MenteeCategory.PUPIL:
        return "Обучающимся учётные записи не создаются: их отзывы вносит наставник или куратор."
    if not (person.is_mentor or person.is_mentee):
        return "Пригласить можно наставника или наставляемого."
    if not consents:
        return "Нет действующего согласия на обработку персональных данных: сначала внесите согласие."
    if any(c.representative_name for c in consents):
        return "Согласие дал законный представитель (несовершеннолетний): учётная запись не создаётся."
    return ""


def account_state(account: User | None) -> str:
    """«none», «invited» (link not used yet) or «active»."""
    if account is None or not account.is_active:
        return "none"
    return "active" if account.has_usable_password() else "invited"


def _username_for(person: Person) -> str:
    if person.email and not User.objects.filter(username__iexact=person.email).exists():
        return person.email.lower()
    base = "".join(ch for ch in person.last_name.lower().translate(_TRANSLIT) if ch.isalnum())[:20] or "uchastnik"
    while True:
        candidate = f"{base}{secrets.randbelow(9000) + 1000}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


@transaction.atomic
def participant_invite(*, user, person: Person, channel: str) -> Invitation:
    """Create (or reuse) the person's account and record an invitation; the link is made by
    `invitation_link`, the letter sent by `invitation_send`."""
    if not scoping.can_edit_organization(user, person.organization_id):
        raise PermissionDenied("Приглашать может куратор организации участника.")
    person = Person.objects.select_for_update(of=("self",)).select_related("user", "organization").get(pk=person.pk)
    refusal = invite_refusal(person)
    if refusal:
        raise ValidationError(refusal)
    if channel not in InvitationChannel.values:
        raise ValidationError("Неизвестный способ приглашения.")
    if channel == InvitationChannel.EMAIL and not person.email:
        raise ValidationError("У участника не указан e-mail: распечатайте приглашение с QR-кодом.")
    account = person.user
    if account is None and person.email:
        # the same human as a person of another organization already has an account
        account = (
            User.objects.filter(mentorship_people__email__iexact=person.email, is_active=True).order_by("pk").first()
        )
    if account is not None and account.is_active and account.has_usable_password() and person.user_id == account.pk:
        raise ValidationError("У участника уже есть учётная запись: он входит со своим паролем.")
    if account is None:
        account = User(
            username=_username_for(person),
            last_name=person.last_name,
            first_name=person.first_name,
            middle_name=person.middle_name,
            email=person.email,
            position=person.position,
        )
        account.set_unusable_password()
        account.save()
    elif not account.is_active:
        account.is_active = True
        account.save(update_fields=["is_active"])
    if person.user_id != account.pk:
        person.user = account
        person.save(update_fields=["user"])
    RoleAssignment.objects.get_or_create(user=account, role=Role.PARTICIPANT, organization=person.organization)
    scoping.forget_scope(account)
    return Invitation.objects.create(
        person=person,
        user=account,
        channel=channel,
        sent_to=person.email if channel == InvitationChannel.EMAIL else "",
        created_by=user,
    )


def invitation_link(*, invitation: Invitation, base_url: str) -> str:
    """The one-time link that sets the password (dies once used, or after INVITATION_DAYS days)."""
    uid, token = invitation_uid_and_token(invitation.user)
    return base_url.rstrip("/") + reverse("invitation_welcome", args=[uid, token])


def invitation_send(*, invitation: Invitation, link: str) -> None:
    context = {
        "person": invitation.person,
        "organization": invitation.person.organization,
        "username": invitation.user.username,
        "link": link,
        "days": INVITATION_DAYS,
    }
    send_mail(
        subject="Приглашение в «Наставник»: ваша страница участника",
        message=render_to_string("mentorship/participants/invitation_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.sent_to],
    )


def participant_account_close(*, person: Person) -> None:
    """The person's consent is gone: their organization no longer grants the account anything, and
    an account with no other person behind it is closed and stripped of personal data."""
    account = person.user
    if account is None:
        return
    RoleAssignment.objects.filter(user=account, role=Role.PARTICIPANT, organization_id=person.organization_id).delete()
    Person.objects.filter(pk=person.pk).update(user=None)
    person.user = None
    still = Person.objects.filter(user=account, anonymized_at__isnull=True, consents__withdrawn_on__isnull=True)
    if still.exists():
        return
    account.is_active = False
    account.set_unusable_password()
    account.first_name = account.last_name = account.middle_name = account.email = account.position = ""
    account.save()
    scoping.forget_scope(account)
