"""Walk every URL pattern of the project, enumerated from the resolver, as every role.

With the two-municipality `seed_demo` data:
- anonymous users are sent to a login page everywhere (but the exempt public pages);
- pages without arguments answer without error and show nothing of the other municipality
  (names of its organizations and people are the markers);
- pages with an object argument answer 404 (or 403, or the admin's "not found" redirect) for an
  object of the other municipality, and a curator likewise for another school of their own city.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.backup import municipality_paths
from accounts.models import Organization, Region, User
from tests.url_walk_registry import EXEMPT, EXTRA_KWARGS, OBJECT_URLS, STATIC_KWARGS

HOME, FOREIGN = "город Норильск", "город Нижневартовск"
ROLES = ["koordinator", "metodist", "kurator", "direktor", "region", "nastavnik", "nastavlyaemyi"]
PARTICIPANTS = {"nastavnik", "nastavlyaemyi"}


def all_patterns(patterns=None, prefix="", namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from all_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            regex = pattern.pattern.regex
            # path() patterns name their converters; re_path() ones may use plain groups
            args = list(getattr(pattern.pattern, "converters", {})) or list(regex.groupindex) or (["*"] * regex.groups)
            yield prefix + str(pattern.pattern), name, args


def _admin_object_spec(name: str | None, route: str):
    """Admin object URLs are derived from the registered ModelAdmins."""
    for model, model_admin in admin.site._registry.items():
        app, model_name = model._meta.app_label, model._meta.model_name
        if (
            (name and name.startswith(f"admin:{app}_{model_name}_"))
            or (name is None and route.startswith(f"admin/{app}/{model_name}/"))
            or (name == "admin:auth_user_password_change" and model is User)
        ):
            scoped = (
                getattr(model_admin, "scope_path", None) is not None
                or getattr(model_admin, "municipality_path", None) is not None
                or model is User
            )
            return model, scoped
    return None


def _paths(model, target: str) -> list[str]:
    """Lookup paths from `model` to a Municipality pk ("municipality") or an Organization pk."""
    if target == "municipality":
        return municipality_paths(model) or []
    if model is Organization:
        return ["pk"]
    return [
        p.removesuffix("__municipality")
        for p in (municipality_paths(model) or [])
        if p.endswith("organization__municipality")
    ]


def _pick(model, municipality, *, other_than_org=None):
    qs = model._default_manager.all()
    if model is Region:  # region-level pages: the other side's municipality is in another region
        return municipality.region if other_than_org is None else None
    region_fk = next((f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Region), None)
    if region_fk is not None and not _paths(model, "municipality"):  # region-level rows (regional campaigns)
        return qs.filter(**{region_fk.name: municipality.region}).first() if other_than_org is None else None
    if other_than_org is None:
        paths = _paths(model, "municipality")
        if not paths and any(f.is_relation and f.related_model is User for f in model._meta.concrete_fields):
            # personal rows (import jobs, preferences) belong to users of that municipality
            fk = next(f for f in model._meta.concrete_fields if f.is_relation and f.related_model is User)
            owners = User.objects.filter(
                Q(roles__municipality=municipality) | Q(roles__organization__municipality=municipality)
            )
            return qs.filter(**{f"{fk.name}__in": owners}).first()
        if model is User:
            return User.objects.filter(
                Q(roles__municipality=municipality) | Q(roles__organization__municipality=municipality)
            ).first()
        if not paths:
            return None
        q = Q()
        for path in paths:
            q |= Q(**{path: municipality.pk})
        return qs.filter(q).first()
    org_paths = _paths(model, "organization")
    if not org_paths:
        return None  # municipal-level data: readable by the whole city
    others = Organization.objects.filter(municipality=municipality).exclude(pk=other_than_org.pk)
    q = Q()
    for path in org_paths:
        q |= Q(**{f"{path}__in" if path != "pk" else "pk__in": others})
    exclude = Q()
    for path in org_paths:
        exclude |= Q(**{path: other_than_org.pk})
    return qs.filter(q).exclude(exclude).first()


def _markers(foreign_municipality) -> list[str]:
    """Strings that only the other municipality's data contains."""
    home_orgs = set(
        Organization.objects.exclude(municipality=foreign_municipality).values_list("short_name", flat=True)
    )
    markers = [
        o
        for o in Organization.objects.filter(municipality=foreign_municipality).values_list("short_name", flat=True)
        if o not in home_orgs
    ]
    markers.append(foreign_municipality.name)
    if apps.is_installed("mentorship"):
        Person = apps.get_model("mentorship", "Person")
        home_names = {
            f"{last} {first}"
            for last, first in Person.objects.exclude(organization__municipality=foreign_municipality).values_list(
                "last_name", "first_name"
            )
        }
        for last, first in Person.objects.filter(organization__municipality=foreign_municipality).values_list(
            "last_name", "first_name"
        ):
            if f"{last} {first}" not in home_names:
                markers.append(f"{last} {first}")
    return markers


def _participant_markers(user) -> list[str]:
    """What a participant must not see of their own school: the people of the other pairs (names
    and contacts of everyone not in a pair with them)."""
    Person = apps.get_model("mentorship", "Person")
    mine = Person.objects.filter(participations__pair__participants__person__user=user).distinct()
    own_values = {v for row in mine.values_list("email", "phone", "last_name", "first_name") for v in row}
    own_names = {f"{last} {first}" for last, first in mine.values_list("last_name", "first_name")}
    schools = user.roles.values_list("organization", flat=True)
    others = Person.objects.filter(organization__in=schools).exclude(pk__in=mine)
    markers = [v for row in others.values_list("email", "phone") for v in row if v and v not in own_values]
    markers += [
        f"{last} {first}"
        for last, first in others.values_list("last_name", "first_name")
        if f"{last} {first}" not in own_names
    ]
    return markers


def _school_markers(organization) -> list[str]:
    """What a school role must not see of the other schools of its city: their people's contacts
    and their mentees (the municipal mentor bank shows mentors' names, never contacts)."""
    if organization is None or not apps.is_installed("mentorship"):
        return []
    Person = apps.get_model("mentorship", "Person")
    own = Person.objects.filter(organization=organization)
    own_values = {v for row in own.values_list("email", "phone", "last_name", "first_name") for v in row}
    own_names = {f"{last} {first}" for last, first in own.values_list("last_name", "first_name")}
    others = Person.objects.filter(organization__municipality=organization.municipality).exclude(
        organization=organization
    )
    markers = [v for row in others.values_list("email", "phone") for v in row if v and v not in own_values]
    markers += [
        f"{last} {first}"
        for last, first in others.filter(is_mentee=True, is_mentor=False).values_list("last_name", "first_name")
        if f"{last} {first}" not in own_names
    ]
    return markers


@pytest.fixture
def seeded(from_snapshot):
    """The demo and the rows below, built by the worker's first walk and restored for the others."""
    from accounts.models import Municipality

    from_snapshot("url-walk", lambda: _seed_for_the_walk(from_snapshot))
    return Municipality.objects.get(name=HOME), Municipality.objects.get(name=FOREIGN)


def _seed_for_the_walk(from_snapshot):
    from django.core.files.base import ContentFile

    from accounts.models import Municipality
    from tests.snapshot import seed_demo

    from_snapshot("demo", seed_demo)  # the demo the backup and print tests share
    home, foreign = Municipality.objects.get(name=HOME), Municipality.objects.get(name=FOREIGN)
    # rows the demo leaves to users (an import job, a practice file, a target indicator) are made
    # here for both cities so that their URLs are walked across the boundary too
    ImportJob = apps.get_model("mentorship", "ImportJob")
    PracticeFile = apps.get_model("mentorship", "PracticeFile")
    Practice = apps.get_model("mentorship", "Practice")
    Indicator = apps.get_model("roadmaps", "Indicator")
    Activity = apps.get_model("roadmaps", "Activity")
    for municipality, username in ((home, "koordinator"), (foreign, "koordinator_nv")):
        job = ImportJob(kind=ImportJob._meta.get_field("kind").choices[0][0], user=User.objects.get(username=username))
        job.file.save("walk.xlsx", ContentFile(b"PK\x03\x04"), save=True)
        practice = Practice.objects.filter(organization__municipality=municipality).first()
        if practice is not None:
            PracticeFile(practice=practice, title="Материалы").file.save(
                "walk.pdf", ContentFile(b"%PDF-1.4"), save=True
            )
        # a destruction act on each side: withdraw the only consent of someone in a school other than
        # the demo curator's
        Consent = apps.get_model("mentorship", "Consent")
        consent = (
            Consent.objects.filter(person__organization__municipality=municipality, withdrawn_on__isnull=True)
            .exclude(person__organization__short_name="МБОУ «СШ № 1»")
            .order_by("pk")
            .first()
        )
        if consent is not None:
            from mentorship.services import consent_withdraw

            consent_withdraw(user=None, consent=consent)  # the seed, as the operator
        for activity in Activity.objects.filter(roadmap__municipality=municipality)[:1]:
            Indicator.objects.get_or_create(activity=activity, year=2099, defaults={"target": 1})
        for activity in Activity.objects.filter(roadmap__organization__municipality=municipality).exclude(
            roadmap__organization__short_name="МБОУ «СШ № 1»"
        )[:1]:
            Indicator.objects.get_or_create(activity=activity, year=2099, defaults={"target": 1})


def _ok_not_found(response) -> bool:
    """404/403, or (followed) the admin's "no such object" landing on its index or login page."""
    if response.status_code in (403, 404):
        return True
    chain = getattr(response, "redirect_chain", [])
    final = response.request["PATH_INFO"]
    return bool(chain) and response.status_code == 200 and final in ("/admin/", "/admin/login/")


def test_every_url_is_known_to_the_walk():
    unknown = []
    for route, name, kwargs in all_patterns():
        key = name or f"route:{route}"
        if key in EXEMPT or not kwargs or key in OBJECT_URLS or key in STATIC_KWARGS:
            continue
        if route.startswith("admin/") and _admin_object_spec(name, route):
            continue
        unknown.append(f"{key} ({route})")
    assert not unknown, "URLs with arguments the walk does not know (add to tests/url_walk_registry.py):\n" + "\n".join(
        unknown
    )


@pytest.mark.slow(seconds=60)
def test_walk_every_url_as_every_role(seeded, client):
    home, foreign = seeded
    markers = _markers(foreign)
    assert markers, "the seed must give the other municipality visible data"
    failures: list[str] = []
    checked: set[str] = set()
    patterns = [p for p in all_patterns() if (p[1] or f"route:{p[0]}") not in EXEMPT]

    # anonymous: everything sends to a login page
    client.logout()
    for route, name, kwargs in patterns:
        url = _url_for(name, route, kwargs, home, foreign, role_org=None, mode="foreign")
        if url is None:
            continue
        try:
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url)
        except Exception as exc:
            failures.append(f"anonymous {url}: {exc!r}")
            continue
        if not (response.status_code == 302 and "login" in response["Location"]):
            failures.append(f"anonymous {url}: {response.status_code}")

    for username in ROLES:
        user = User.objects.get(username=username)
        client.force_login(user)
        role_org = user.roles.filter(organization__isnull=False).values_list("organization", flat=True).first()
        role_org = Organization.objects.get(pk=role_org) if role_org else None
        role_markers = markers + _school_markers(role_org)
        if username in PARTICIPANTS:
            role_markers = markers + _participant_markers(user)
        for route, name, kwargs in patterns:
            if not kwargs or name in STATIC_KWARGS:
                url = _url_for(name, route, kwargs, home, foreign, role_org=role_org, mode="list")
                try:
                    response = client.get(url)
                except Exception as exc:  # a crashing page is a finding, reported with the others
                    failures.append(f"{username} {url}: {exc!r}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{username} {url}: {response.status_code}")
                    continue
                body = response.content.decode(errors="ignore") if response.status_code == 200 else ""
                leaked = [m for m in role_markers if m in body]
                if leaked:
                    failures.append(f"{username} {url}: shows data outside the scope: {leaked[:3]}")
                continue
            for mode in ("foreign", "other_school", "other_pair"):
                if mode == "other_school" and role_org is None:
                    continue
                if mode == "other_pair" and username not in PARTICIPANTS:
                    continue
                url = _url_for(name, route, kwargs, home, foreign, role_org=role_org, mode=mode, user=user)
                if url is None:
                    continue
                checked.add(name or route)
                try:
                    response = client.get(url, follow=True)
                    if response.status_code == 405:
                        response = client.post(url, follow=True)
                except Exception as exc:
                    failures.append(f"{username} {mode} {url}: {exc!r}")
                    continue
                if not _ok_not_found(response):
                    failures.append(f"{username} {mode} {url}: {response.status_code}")
    unchecked = sorted(set(OBJECT_URLS) - checked)
    assert not failures, "\n".join(failures)
    assert not unchecked, f"seed_demo gives no object of the other side for: {unchecked}"


def _url_for(name, route, kwargs, home, foreign, *, role_org, mode, user=None):
    if not kwargs or name in STATIC_KWARGS:
        return reverse(name, kwargs=STATIC_KWARGS.get(name)) if name else None
    if name in OBJECT_URLS:
        label, kwarg, options = OBJECT_URLS[name]
        model = apps.get_model(label)
        if mode == "other_school" and options.get("city_wide"):
            return None
        if mode == "other_pair":
            if "own_path" not in options:
                return None
            # another pair of the participant's own school: theirs to nobody but its members
            org_paths = _paths(model, "organization")
            q = Q()
            for path in org_paths:
                q |= Q(**{path: role_org.pk})
            obj = model._default_manager.filter(q).exclude(**{options["own_path"]: user.pk}).first()
            if obj is None:
                return None
            values = {kwarg: obj.pk, **EXTRA_KWARGS.get(name, {})}
            return reverse(name, kwargs={k: v for k, v in values.items() if k in kwargs})
    elif mode == "other_pair":
        return None
    else:
        spec = _admin_object_spec(name, route)
        if spec is None:
            return None
        model, _scoped = spec
        kwarg = "id" if name == "admin:auth_user_password_change" else "object_id"
    obj = _pick(model, foreign) if mode == "foreign" else _pick(model, home, other_than_org=role_org)
    if obj is None:
        return None
    if name and name.endswith("_simple_history"):
        # django-simple-history's admin page of one historical version: (object id, version id)
        version = obj.history.values_list("history_id", flat=True).first()
        return reverse(name, args=[obj.pk, version]) if version else None
    if name is None:
        return "/" + route.replace("<path:object_id>", str(obj.pk))
    values = {kwarg: obj.pk, **EXTRA_KWARGS.get(name, {})}
    return reverse(name, kwargs={k: v for k, v in values.items() if k in kwargs})


# Choice lists, prefills and odd query strings -------------------------------------------------------
_SCOPED_LABELS = (
    "accounts.Organization",
    "accounts.Municipality",
    "accounts.User",
    "mentorship.Person",
    "mentorship.Pair",
    "mentorship.Program",
    "roadmaps.Roadmap",
    "roadmaps.Activity",
)
#: query-string names that the site's forms and filters prefill from, and the model each names
_SITE_PREFILLS = {
    "organization": "accounts.Organization",
    "municipality": "accounts.Municipality",
    "roadmap": "roadmaps.Roadmap",
    "parent": "roadmaps.Roadmap",
    "person": "mentorship.Person",
    "mentor": "mentorship.Person",
    "mentee": "mentorship.Person",
    "pair": "mentorship.Pair",
    "based_on": "mentorship.Program",
    "user": "accounts.User",
    "created_by": "accounts.User",
    "marked_by": "accounts.User",
}


def _choice_markers(foreign_municipality, home_municipality) -> list[str]:
    """Names a choice list may show only if it leaks: the other side's users and roadmaps too."""
    markers = _markers(foreign_municipality)
    side = Q(roles__municipality=foreign_municipality) | Q(roles__organization__municipality=foreign_municipality)
    home = Q(roles__municipality=home_municipality) | Q(roles__organization__municipality=home_municipality)
    home_names = {u.get_full_name() for u in User.objects.filter(home)}
    markers += [u.get_full_name() for u in User.objects.filter(side).distinct() if u.get_full_name() not in home_names]
    if apps.is_installed("roadmaps"):
        Roadmap = apps.get_model("roadmaps", "Roadmap")
        home_titles = set(Roadmap.objects.exclude(municipality=foreign_municipality).values_list("title", flat=True))
        markers += [
            t
            for t in Roadmap.objects.filter(municipality=foreign_municipality).values_list("title", flat=True)
            if t not in home_titles
        ]
    return sorted(set(markers))


def _choices_in(html: str) -> list[str]:
    """Text of every <option> (select or datalist) of the page, labels and values."""
    import html as html_lib
    import re

    found = []
    for attrs, label in re.findall(r"<option([^>]*)>(.*?)</option>", html, re.S):
        found.append(html_lib.unescape(label))
        value = re.search(r'value="([^"]*)"', attrs)
        if value:
            found.append(html_lib.unescape(value.group(1)))
    return found


def _foreign_ids(foreign) -> dict[str, int]:
    ids = {}
    for label in _SCOPED_LABELS:
        obj = _pick(apps.get_model(label), foreign)
        if obj is not None:
            ids[label] = obj.pk
    return ids


def _admin_add_prefills(name: str, ids: dict[str, int]) -> dict[str, int]:
    """Every relation of the admin add form's model, given the other side's id."""
    spec = _admin_object_spec(name, "")
    if spec is None:
        return {}
    model, _scoped = spec
    params = {}
    for field in model._meta.get_fields():
        if getattr(field, "concrete", False) and field.is_relation and field.related_model is not None:
            label = field.related_model._meta.label
            if label in ids:
                params[field.name] = ids[label]
    return params


@pytest.mark.slow(seconds=60)
def test_choice_lists_and_prefills_show_nothing_of_the_other_side(seeded, client):
    """Every page without arguments (lists, filters, site and admin add forms) as every role:
    no <option> names the other municipality's organizations, users, people or roadmaps, and
    replayed with the other side's ids in the query string (`?organization=…&roadmap=…`, every
    relation of an admin add form) it shows none of them and answers no 500."""
    from urllib.parse import urlencode

    home, foreign = seeded
    markers = _choice_markers(foreign, home)
    ids = _foreign_ids(foreign)
    assert {"accounts.Organization", "accounts.User", "mentorship.Person", "roadmaps.Roadmap"} <= set(ids)
    site_query = {key: ids[label] for key, label in _SITE_PREFILLS.items() if label in ids}
    failures: list[str] = []
    patterns = [
        p for p in all_patterns() if (p[1] or f"route:{p[0]}") not in EXEMPT and (not p[2] or p[1] in STATIC_KWARGS)
    ]
    for username in ROLES:
        user = User.objects.get(username=username)
        client.force_login(user)
        role_org = user.roles.filter(organization__isnull=False).values_list("organization", flat=True).first()
        role_org = Organization.objects.get(pk=role_org) if role_org else None
        role_markers = markers + _school_markers(role_org)
        for route, name, kwargs in patterns:
            base = _url_for(name, route, kwargs, home, foreign, role_org=role_org, mode="list")
            if base is None:
                continue
            query = _admin_add_prefills(name, ids) if name and name.endswith("_add") else {}
            for url in (base, f"{base}?{urlencode(query or site_query)}"):
                try:
                    response = client.get(url, follow=True)
                except Exception as exc:  # a crashing page is a finding, reported with the others
                    failures.append(f"{username} {url}: {exc!r}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{username} {url}: {response.status_code}")
                    continue
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                body = response.content.decode(errors="ignore")
                choices = " | ".join(_choices_in(body))
                leaked = [m for m in role_markers if m in choices]
                if leaked:
                    failures.append(f"{username} {url}: a choice list offers {leaked[:3]}")
                elif url != base:
                    shown = [m for m in role_markers if m in body]
                    if shown:
                        failures.append(f"{username} {url}: the prefill shows {shown[:3]}")
    assert not failures, "\n".join(failures)


@pytest.mark.slow(seconds=60)
def test_admin_answers_odd_query_strings_and_ids_without_500(seeded, client):
    """Every admin list and export with a filter the model lacks, a bad order or page, and every
    admin object page with an id that is not one: a page or a message, never a 500."""
    failures: list[str] = []
    for username in ("admin", *ROLES):
        client.force_login(User.objects.get(username=username))
        for _route, name, kwargs in all_patterns():
            if not name or not name.startswith("admin:") or (name or "") in EXEMPT:
                continue
            urls = []
            if not kwargs and (name.endswith("_changelist") or name.endswith("_export")):
                base = reverse(name)
                urls = [f"{base}?no_such_field__exact=1", f"{base}?o=abc&p=abc", f"{base}?q=%00&e=1"]
            elif set(kwargs) == {"object_id"}:
                urls = [reverse(name, kwargs={"object_id": "abc"})]
            for url in urls:
                try:
                    response = client.get(url, follow=True)
                except Exception as exc:
                    failures.append(f"{username} {url}: {exc!r}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{username} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
