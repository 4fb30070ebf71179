"""Every main-interface form that lists organizations, municipalities, users, people or roadmaps
gets its choices and prefills through the scoping module (accounts.forms.ScopedFormMixin)."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps

from accounts import scoping
from accounts.forms import ScopedFormMixin

pytestmark = pytest.mark.django_db


def _form_classes():
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in ("accounts", "mentorship", "roadmaps", "monitoring", "notifications"):
            continue
        for module_name in (f"{config.name}.forms", f"{config.name}.filters"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                    yield cls


def test_every_form_with_a_scoped_relation_uses_the_scoped_mixin():
    scoped = set(scoping.scoped_models())
    offenders = []
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            queryset = field.queryset
            # a queryset filled in at run time is a scoped one by definition
            if (queryset is None or queryset.model in scoped) and not issubclass(cls, ScopedFormMixin):
                offenders.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not offenders, offenders


def test_prefill_outside_the_scope_is_ignored(world):
    from mentorship.forms import PersonForm

    form = PersonForm(user=world.home.curator, initial={"organization": world.foreign.school.pk})
    assert form["organization"].value() is None
    assert world.foreign.school.short_name not in str(form["organization"])
    form = PersonForm(user=world.home.curator, initial={"organization": world.home.school.pk})
    assert str(form["organization"].value()) == str(world.home.school.pk)


def test_pair_prefill_of_a_foreign_mentee_is_dropped(world):
    from mentorship.forms import PairForm
    from tests.mentorship.factories import MenteeFactory

    foreign = MenteeFactory(organization=world.foreign.school, last_name="Чужой")
    own = MenteeFactory(organization=world.home.school, last_name="Свой")
    form = PairForm(user=world.home.coordinator, initial={"mentees": [foreign.pk, own.pk]})
    assert [str(v) for v in form["mentees"].value()] == [str(own.pk)]
    assert "Чужой" not in str(form["mentees"])


@pytest.mark.parametrize("role", ["curator", "coordinator"])
def test_add_participant_offers_whom_the_pair_can_take_and_no_one_else(world, role):
    """A pair takes its school's active mentors and mentees and the municipal bank's mentors of its
    municipality (services._validate_mentor/_validate_mentee); nobody of another school outside the
    bank, no inactive person, nobody of another municipality, not even from its bank."""
    from mentorship.forms import AddParticipantForm
    from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair

    home, foreign = world.home, world.foreign
    pair = make_pair(home.school)
    offered = {
        MentorFactory(organization=home.school, last_name="Наставникшколы"),
        MenteeFactory(organization=home.school, last_name="Наставляемыйшколы"),
        MentorFactory(organization=home.other_school, in_municipal_bank=True, last_name="Изобанка"),
    }
    refused = {
        MentorFactory(organization=home.other_school, last_name="Другойшколы"),
        MenteeFactory(organization=home.other_school, last_name="Наставляемыйдругой"),
        MentorFactory(organization=home.school, is_active=False, last_name="Выбывший"),
        MentorFactory(organization=foreign.school, in_municipal_bank=True, last_name="Чужогобанка"),
        MenteeFactory(organization=foreign.school, last_name="Чужой"),
    }
    form = AddParticipantForm(user=getattr(home, role), pair=pair)
    choices = set(form.fields["person"].queryset)
    assert offered <= choices
    assert not choices & refused
    html = str(form["person"])
    assert "Изобанка" in html and not any(p.last_name in html for p in refused)
    form = AddParticipantForm({"person": next(iter(refused)).pk, "role": "mentor"}, user=getattr(home, role), pair=pair)
    assert not form.is_valid() and "person" in form.errors
