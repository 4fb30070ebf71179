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
