"""Demo participants: a mentor and a mentee with their own accounts in each city (the curator's
school), a meeting waiting for their feedback and an open questionnaire. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, register_demo_login
from accounts.models import User, local_today
from mentorship.models import InvitationChannel, Meeting, MeetingFormat, Pair, PairParticipant, Stage
from mentorship.participants import participant_invite
from monitoring import services as monitoring_services
from monitoring.models import Campaign, CampaignKind

# (city, order number of the pair, curator, mentor's login, mentee's login)
DEMO_PARTICIPANTS = [
    ("norilsk", "112-о/1", "kurator", "nastavnik", "nastavlyaemyi"),
    ("nizhnevartovsk", "201/1", "kurator_nv", "nastavnik_nv", "nastavlyaemyi_nv"),
]
ROLE_LABELS = {"mentor": "Наставник (участник)", "mentee": "Наставляемый (участник)"}


def demo_logins() -> list[dict]:
    """The demo participants' logins present in the database (for `seed_demo --logins`)."""
    logins = {
        login: role
        for _city, _order, _curator, mentor, mentee in DEMO_PARTICIPANTS
        for login, role in ((mentor, "mentor"), (mentee, "mentee"))
    }
    rows = []
    users = User.objects.filter(username__in=logins, is_active=True).prefetch_related(
        "mentorship_people__organization__municipality"
    )
    for user in sorted(users, key=lambda u: list(logins).index(u.username)):
        person = next(iter(user.mentorship_people.all()), None)
        rows.append(
            {
                "username": user.username,
                "password": DEMO_PASSWORD,
                "role": ROLE_LABELS[logins[user.username]],
                "municipality": person.organization.municipality.name if person else None,
                "organization": person.organization.short_name if person else None,
            }
        )
    return rows


def _account(curator, person, username: str) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    invitation = participant_invite(user=curator, person=person, channel=InvitationChannel.SHEET)
    user = invitation.user
    user.username = username
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["username", "password"])
    return user


@transaction.atomic
def seed(ctx) -> None:
    today = local_today()
    for city, order, curator_name, mentor_login, mentee_login in DEMO_PARTICIPANTS:
        curator = ctx.users.get(curator_name)
        pair = Pair.objects.filter(organization__municipality=ctx.municipalities[city], order_number=order).first()
        if curator is None or pair is None:
            continue
        for participant in PairParticipant.objects.filter(pair=pair).select_related("person__organization"):
            login = mentor_login if participant.role == "mentor" else mentee_login
            try:
                _account(curator, participant.person, login)
            except ValidationError as exc:  # e.g. consent withdrawn in this database since
                ctx.log.append(f"Участник {participant.person}: учётная запись не создана ({' '.join(exc.messages)})")
                continue
            register_demo_login(
                username=login,
                role=ROLE_LABELS[participant.role],
                municipality=pair.organization.municipality.name,
                organization=pair.organization.short_name,
            )
        Meeting.objects.get_or_create(
            pair=pair,
            topic="Разбор открытого урока: что получилось",
            defaults={"held_on": today - dt.timedelta(days=3), "stage": Stage.JOINT, "format": MeetingFormat.IN_PERSON},
        )
        Meeting.objects.get_or_create(
            pair=pair,
            topic="Планирование следующей четверти",
            defaults={"held_on": today + dt.timedelta(days=5), "stage": Stage.JOINT, "format": MeetingFormat.ONLINE},
        )
    norilsk = ctx.municipalities["norilsk"]
    title = f"Входная анкета участников ЦМН, {today.year}/{today.year + 1} (СШ № 1)"
    if not Campaign.objects.filter(municipality=norilsk, title=title).exists():
        school = ctx.organizations["norilsk"][0]
        campaign = monitoring_services.campaign_create(
            user=ctx.users["metodist"],
            municipality=norilsk,
            kind=CampaignKind.ENTRY,
            title=title,
            period_start=today - dt.timedelta(days=7),
            period_end=today + dt.timedelta(days=30),
            deadline=today + dt.timedelta(days=14),
            organizations=[school],
        )
        monitoring_services.campaign_open(user=ctx.users["metodist"], campaign=campaign)
    ctx.log.append("Участники: наставник и наставляемый с личными страницами в каждом городе, открытая анкета")
