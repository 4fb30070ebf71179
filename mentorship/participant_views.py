"""The curator's side of participants' own accounts: invitation by e-mail and the printed sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import scoping
from accounts.tokens import INVITATION_DAYS
from mentorship import participants, selectors
from mentorship.models import InvitationChannel
from mentorship.qr import qr_svg


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _invitable_person(request, pk: int):
    person = scoping.get_scoped_or_404(
        selectors.people_editable(request.user).select_related("organization", "user"), pk=pk
    )
    return person


@login_required
@require_POST
def invite(request, pk: int):
    person = _invitable_person(request, pk)
    try:
        invitation = participants.participant_invite(user=request.user, person=person, channel=InvitationChannel.EMAIL)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        link = participants.invitation_link(invitation=invitation, base_url=request.build_absolute_uri("/"))
        try:
            participants.invitation_send(invitation=invitation, link=link)
        except OSError:
            messages.error(request, "Письмо не отправлено: почтовый сервер недоступен. Распечатайте приглашение.")
        else:
            messages.success(request, f"Приглашение отправлено на {invitation.sent_to}.")
    return redirect("mentorship:person_detail", person.pk)


@login_required
@require_POST
def sheet(request, pk: int):
    """A printable invitation with a personal link and its QR code (for people without e-mail)."""
    person = _invitable_person(request, pk)
    try:
        invitation = participants.participant_invite(user=request.user, person=person, channel=InvitationChannel.SHEET)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("mentorship:person_detail", person.pk)
    link = participants.invitation_link(invitation=invitation, base_url=request.build_absolute_uri("/"))
    return render(
        request,
        "mentorship/participants/invitation_sheet.html",
        {"invitation": invitation, "person": person, "link": link, "qr": qr_svg(link), "days": INVITATION_DAYS},
    )
