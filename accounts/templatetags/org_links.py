"""`{% org_link organization %}`: an organization's name as a link to its own page.

Registered as a template builtin (config/settings.py), so every list, matrix, dashboard and
ranking links a school's name the same way without loading anything. The name stays plain text
for a reader who may not open that page (a curator looking at the municipal program bank); the
check reads the cached scope, no query.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from accounts.scoping import can_view_organization

register = template.Library()


@register.simple_tag(takes_context=True)
def org_link(context, organization, text: str = ""):
    if not organization:
        return "—"
    label = text or getattr(organization, "short_name", "") or str(organization)
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_view_organization(user, organization):
        return label
    return format_html('<a href="{}">{}</a>', reverse("organization_detail", args=[organization.pk]), label)


@register.filter
def accusative(verbose_name) -> str:
    """«организация» → «организацию» (accounts.morphology): «Добавить {{ opts.verbose_name|accusative }}»."""
    from accounts.morphology import accusative as inflect

    return inflect(str(verbose_name))


@register.filter
def lowerfirst(value) -> str:
    """A label inside a sentence: «Печатное приглашение с QR-кодом» → «печатное приглашение с
    QR-кодом» (`|lower` made «qr-кодом», «мбоу», «гиа»); an abbreviation first stays («МБОУ …»)."""
    text = str(value or "")
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].lower() + text[1:]


@register.filter
def count_noun(value, singular: str) -> str:
    """{{ years|count_noun:"год" }} → «22 года» (accounts.plurals: gettext's plural forms)."""
    from accounts.plurals import count_noun as agree

    try:
        return agree(int(value), singular)
    except (TypeError, ValueError, KeyError):
        return f"{value} {singular}"


@register.filter
def of_count(value, singular: str) -> str:
    """After «из»: {{ total|of_count:"организация" }} → «5 организаций», «21 организации»
    (the number after «из» governs the genitive; accounts.plurals)."""
    from accounts.plurals import of_count as agree

    try:
        return agree(int(value), singular)
    except (TypeError, ValueError, KeyError):
        return f"{value}"


@register.filter
def count_objects(plural_name, count) -> str:
    """The admin's deletion summary («Краткая статистика») counts objects by the models'
    verbose_name_plural («Наставнические пары и группы: 3», «Банк наставников: 2»): the same count
    with the singular name in the form the number asks («3 наставнические пары (группы)», «2
    наставника»; accounts.plurals.count_name). A name no model has stays as Django wrote it."""
    from django.apps import apps
    from django.utils.text import capfirst

    from accounts.plurals import count_name

    plural = str(plural_name)
    for model in apps.get_models():
        if str(model._meta.verbose_name_plural) == plural:
            return capfirst(count_name(int(count), str(model._meta.verbose_name)))
    return f"{capfirst(plural)}: {count}"


@register.simple_tag
def object_name(verbose_name, case: str, count=None, selected: bool = False) -> str:
    """{% object_name opts.verbose_name "genitive" %} → «организации»; with `count` (the number of
    selected objects) and `selected`: «выбранную организацию» for 1, «выбранные организации» for
    more (accounts.morphology.object_name; escaped by the template like any text)."""
    from accounts.morphology import object_name as inflect

    plural = count is not None and int(count) != 1
    return inflect(str(verbose_name), case, plural=plural, selected=bool(selected))
