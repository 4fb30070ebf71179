"""Invitations: one account per human, no accounts for minors, consent required and closing it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role, RoleAssignment, User
from accounts.scoping import is_participant_only, scope_for
from mentorship.models import Consent, InvitationChannel, MenteeCategory, PersonKind
from mentorship.participants import participant_invite
from mentorship.services import consent_withdraw
from tests.mentorship.factories import ConsentFactory, MenteeFactory, MentorFactory, make_pair


def test_invitation_letter_link_sets_password_once(world, client):
    mentee = MenteeFactory(organization=world.home.school, email="young@example.ru")
    ConsentFactory(person=mentee)
    client.force_login(world.home.curator)
    response = client.post(reverse("mentorship:person_invite", args=[mentee.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["young@example.ru"]
    assert "Приглашение" in letter.subject and "Ваш логин: young@example.ru" in letter.body
    link = re.search(r"https?://\S+", letter.body).group(0)
    client.logout()
    page = client.get(link, follow=True)
    assert "Придумайте пароль" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": "Vesna-v-Norilske-2026", "new_password2": "Vesna-v-Norilske-2026"},
        follow=True,
    )
    assert done.status_code == 200
    assert done.redirect_chain[-1][0] == reverse("participant:home")
    user = User.objects.get(username="young@example.ru")
    assert user.check_password("Vesna-v-Norilske-2026")
    mentee.refresh_from_db()
    assert mentee.user == user
    client.logout()
    again = client.get(link, follow=True)
    assert "Ссылка больше не действует" in again.content.decode()


def test_printed_sheet_has_qr_code_and_personal_link(world, client):
    mentor = MentorFactory(organization=world.home.school, email="")
    ConsentFactory(person=mentor)
    client.force_login(world.home.curator)
    page = client.post(reverse("mentorship:person_invitation_sheet", args=[mentor.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "QR-код" in body
    link = re.search(r'data-testid="sheet-link">([^<]+)<', body).group(1)
    assert "/accounts/welcome/" in link
    mentor.refresh_from_db()
    assert mentor.user is not None and not mentor.user.has_usable_password()
    assert not mentor.user.is_staff


def test_one_account_per_human_across_roles_and_organizations(world):
    teacher = MentorFactory(
        organization=world.home.school, email="same@example.ru", is_mentee=True, mentee_category=MenteeCategory.NEW_ROLE
    )
    ConsentFactory(person=teacher)
    make_pair(world.home.school, mentors=[teacher])
    make_pair(world.home.school, mentees=[teacher])
    first = participant_invite(user=world.home.curator, person=teacher, channel=InvitationChannel.EMAIL).user
    again = participant_invite(user=world.home.curator, person=teacher, channel=InvitationChannel.SHEET).user
    assert first == again
    # the same teacher in a second school of the city: the curator there invites, the account is shared
    twin = MentorFactory(organization=world.home.other_school, last_name=teacher.last_name, email="SAME@example.ru")
    ConsentFactory(person=twin)
    curator2 = User.objects.create(username="cur2")
    RoleAssignment.objects.create(user=curator2, role=Role.CURATOR, organization=world.home.other_school)
    third = participant_invite(user=curator2, person=twin, channel=InvitationChannel.EMAIL).user
    assert third == first
    assert User.objects.filter(mentorship_people__isnull=False).distinct().count() == 1
    assert set(
        RoleAssignment.objects.filter(user=first, role=Role.PARTICIPANT).values_list("organization", flat=True)
    ) == {world.home.school.pk, world.home.other_school.pk}


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda p: setattr(p, "kind", PersonKind.PUPIL), "Обучающимся"),
        (lambda p: setattr(p, "mentee_category", MenteeCategory.PUPIL), "Обучающимся"),
    ],
)
def test_pupils_never_get_accounts(world, setup, message):
    pupil = MenteeFactory(organization=world.home.school)
    setup(pupil)
    pupil.save()
    ConsentFactory(person=pupil, representative_name="Иванова Мария Петровна")
    with pytest.raises(ValidationError, match=message):
        participant_invite(user=world.home.curator, person=pupil, channel=InvitationChannel.SHEET)
    assert not User.objects.filter(mentorship_people=pupil).exists()


def test_consent_given_by_a_parent_means_a_minor(world):
    person = MenteeFactory(organization=world.home.school)
    ConsentFactory(person=person, representative_name="Петров Пётр")
    with pytest.raises(ValidationError, match="законный представитель"):
        participant_invite(user=world.home.curator, person=person, channel=InvitationChannel.SHEET)


def test_invitation_requires_valid_consent(world, client):
    person = MenteeFactory(organization=world.home.school)
    with pytest.raises(ValidationError, match="согласия"):
        participant_invite(user=world.home.curator, person=person, channel=InvitationChannel.EMAIL)
    client.force_login(world.home.curator)
    page = client.post(reverse("mentorship:person_invite", args=[person.pk]), follow=True)
    assert "Нет действующего согласия" in page.content.decode()
    assert not mail.outbox


def test_only_the_curator_of_the_school_invites(world):
    person = MenteeFactory(organization=world.home.school)
    ConsentFactory(person=person)
    for outsider in (world.home.head, world.home.methodologist, world.foreign.curator):
        with pytest.raises(PermissionDenied):
            participant_invite(user=outsider, person=person, channel=InvitationChannel.SHEET)


def test_foreign_person_invite_is_404(world, client):
    person = MenteeFactory(organization=world.foreign.school)
    ConsentFactory(person=person)
    client.force_login(world.home.curator)
    assert client.post(reverse("mentorship:person_invite", args=[person.pk])).status_code == 404
    assert client.post(reverse("mentorship:person_invitation_sheet", args=[person.pk])).status_code == 404


def test_withdrawing_consent_closes_the_account(world, participants, client):
    user = participants.home.mentee_user
    assert is_participant_only(user)
    consent = Consent.objects.get(person=participants.home.mentee)
    consent_withdraw(user=world.home.curator, consent=consent)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email == "" and user.last_name == ""
    assert not RoleAssignment.objects.filter(user=user).exists()
    page = client.post(reverse("login"), {"username": user.username, "password": "Parol-uchastnika-2026"})
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert scope_for(user).roles == frozenset()
