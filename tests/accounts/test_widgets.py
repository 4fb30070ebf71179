"""FastSelect writes the same options as Django's Select, and a model choice list with
`label_field` reads only (pk, label) in one plain query, not a model instance per row."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization
from accounts.widgets import FastSelect
from roadmaps.models import Roadmap
from tests.factories import MunicipalityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(selected), label) for value, selected, label in OPTION.findall(html)]


def _form(widget, queryset):
    class Form(forms.Form):
        organization = forms.ModelChoiceField(queryset=queryset, widget=widget, empty_label="Все", required=False)

    return Form


def test_model_choices_read_as_values_match_the_stock_widget():
    municipality = MunicipalityFactory()
    chosen = OrganizationFactory(municipality=municipality, short_name="Школа <№ 2> & «лицей»")
    OrganizationFactory(municipality=municipality, short_name="Гимназия № 1")
    queryset = Organization.objects.filter(municipality=municipality).order_by("short_name")
    data = {"organization": str(chosen.pk)}
    stock = str(_form(forms.Select, queryset)(data)["organization"])
    form = _form(FastSelect(label_field="short_name"), queryset)(data)
    assert form.is_valid()  # the chosen row is read by the field's validation, not by the widget
    with CaptureQueriesContext(connection) as ctx:
        fast = str(form["organization"])
    assert _options(fast) == _options(stock)
    assert _options(fast)[0] == ("", False, "Все")
    assert (str(chosen.pk), True, "Школа &lt;№ 2&gt; &amp; «лицей»") in _options(fast)
    assert 'name="organization"' in fast and 'id="id_organization"' in fast
    # one query, of the two columns only (no server-side cursor, no model instances)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert '"short_name"' in sql and '"full_name"' not in sql and "DECLARE" not in sql


def test_plain_choices_and_groups_keep_their_markup():
    class Form(forms.Form):
        kind = forms.ChoiceField(
            choices=[("", "Все"), ("Школы", [("a", "Одна"), ("b", "Две")]), ("c", "Три")],
            widget=FastSelect,
            required=False,
        )

    html = str(Form({"kind": "b"})["kind"])
    assert '<optgroup label="Школы"><option value="a">Одна</option>\n<option value="b" selected>Две</option>' in html
    assert _options(html) == [("", False, "Все"), ("a", False, "Одна"), ("b", True, "Две"), ("c", False, "Три")]


def test_label_conversion_is_applied():
    long_title = "Дорожная карта " + "очень длинная " * 10
    assert Roadmap.shorten(long_title).endswith("…") and len(Roadmap.shorten(long_title)) <= 90
    widget = FastSelect(label_field="title", label=Roadmap.shorten)
    assert widget.label("  Два   слова ") == "Два слова"


def test_label_from_several_fields():
    from mentorship.models import Person, full_name
    from tests.mentorship.factories import MentorFactory

    mentor = MentorFactory(last_name="Иванова", first_name="Анна", middle_name="")

    class Form(forms.Form):
        person = forms.ModelChoiceField(
            queryset=Person.objects.filter(pk=mentor.pk),
            widget=FastSelect(label_field=("last_name", "first_name", "middle_name"), label=full_name),
        )

    assert _options(str(Form()["person"])) == [("", True, "---------"), (str(mentor.pk), False, "Иванова Анна")]
