"""The demo looks alive: every school of the first municipality has people, pairs, programs,
meetings and execution records with evidence dated around today, and reports in every state;
`seed_demo --json` prints the JSON and nothing else."""

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from accounts.models import Municipality, Organization, local_today
from mentorship.models import Meeting, Pair, Person, Program
from monitoring.models import Assignment
from roadmaps.models import ExecutionRecord, ExecutionState, execution_state

pytestmark = pytest.mark.django_db


@pytest.mark.slow(seconds=20)
def test_every_school_of_the_first_municipality_is_alive():
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    logins = json.loads(out.getvalue())  # nothing but the JSON
    assert any(row["username"] == "koordinator" for row in logins)
    norilsk = Municipality.objects.get(short_name="Норильск")
    today = local_today(norilsk)
    states_seen: Counter = Counter()
    for organization in Organization.objects.filter(municipality=norilsk):
        name = organization.short_name
        assert Person.objects.filter(organization=organization, is_mentor=True).exists(), name
        assert Person.objects.filter(organization=organization, is_mentee=True).exists(), name
        assert Pair.objects.filter(organization=organization, status="active").exists(), name
        assert Program.objects.filter(pair__organization=organization).exists(), name
        assert Meeting.objects.filter(pair__organization=organization).exists(), name
        records = list(ExecutionRecord.objects.filter(organization=organization).select_related("due"))
        states = Counter(execution_state(r.status, r.due.date, today) for r in records)
        states_seen.update(states)
        assert states[ExecutionState.NOT_DUE] or states[ExecutionState.IN_PROGRESS], f"{name}: all past"
        assert any(r.has_evidence for r in records), name
        assert Assignment.objects.filter(organization=organization).exists(), name
    assert set(states_seen) == set(ExecutionState.values)
    assert set(Assignment.objects.filter(organization__municipality=norilsk).values_list("status", flat=True)) >= {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    # a second run adds nothing
    before = (Pair.objects.count(), Meeting.objects.count(), ExecutionRecord.objects.count())
    call_command("seed_demo", "--json", stdout=io.StringIO())
    assert (Pair.objects.count(), Meeting.objects.count(), ExecutionRecord.objects.count()) == before
