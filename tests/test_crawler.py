"""A crawler, as every role of the demo would click: from the home page (and the admin's index for
those who have it) it follows every link and submits every GET form (filters, search, sort, pages)
of every page it reaches, breadth first and bounded, and checks every answer for what a person must
never meet: a 500 or a traceback, a link of the interface that leads nowhere (404) or is refused
(403), and in the visible text English words of Django and its libraries, Python values, database
names and dates that are not дд.мм.гггг.

The URL walk (tests/test_url_walk.py) opens every URL pattern once with one object; the visible-text
test (tests/test_visible_text.py) reads those pages. The crawler reaches what neither opens: filtered
and sorted lists, further pages, every object a list links to, the admin's add forms prefilled from
links, the history of each object.

    CRAWL_PAGES=2000 pytest tests/test_crawler.py      # a deeper crawl (default: 260 pages a role)
    CRAWL_LOG=/tmp/crawl.log ...                        # each finding written there as it is found
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from accounts.models import User
from tests.test_url_walk import ROLES, seeded  # noqa: F401  (fixture)
from tests.test_visible_text import THIRD_PARTY_ADMIN, constraint_names, problems_in, visible_text

PAGES_PER_ROLE = int(os.environ.get("CRAWL_PAGES", "260"))
# distinct URLs of one view: enough to see its filters and pages, not every object of a list
PER_VIEW = int(os.environ.get("CRAWL_PER_VIEW", "6"))
LOG = os.environ.get("CRAWL_LOG", "")

# views that end the session or write on GET by design; files streamed back (checked for status only)
NEVER = {"logout", "admin:logout", "set_language", "javascript-catalog", "admin:jsi18n"}
# the crawler's own additions to the deny-list of tests/test_visible_text.py: phrases of Django and
# django-import-export that are English when a translation is missing, and internals of errors
DENY_PHRASES = re.compile(
    r"Add another|This field|Are you sure|Traceback|IntegrityError|duplicate key|violates|"
    r"Decimal\(|datetime\.|<class |NoneType|object has no attribute|DoesNotExist|"
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\. \d|\b(?:a\.m\.|p\.m\.)|"
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December) \d"
)
# dates written the American or ISO way with a time: 2026-11-30 12:00, 11/30/2026
OTHER_DATES = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
# Django's Russian date format, «30 ноября 2026 г.» (config/formats/ru makes it 30.11.2026): an
# element whose whole text is such a date (the words of a roadmap, «до 31 декабря 2021 г.», are not)
WORD_DATES = re.compile(
    r">\s*(\d{1,2} (?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) "
    r"\d{4} г\.(?: \d{1,2}:\d{2})?)\s*<"
)


class _Page(HTMLParser):
    """The links and the GET forms of a page (with the values their fields would send)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.values: list[str] = []  # what text boxes show: a person reads it as the page's text
        self._form: dict | None = None
        self._select: tuple[str, list[str], list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("text", "search", "email", "url", "tel", "number") and a.get("value"):
                self.values.append(a["value"])
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file", "password"):
                return
            self._form["fields"].append((a["name"], a.get("value") or ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif self._select is not None and tag == "option":
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            self._form["fields"].append((name, (selected or options or [""])[0]))
            # one more submission with the first real choice: a filter actually applied
            real = [o for o in options if o and o not in selected]
            if real:
                self._form.setdefault("variants", []).append((name, real[0]))
            self._select = None
        elif tag == "form":
            self._form = None


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _targets(base: str, html: str, page: _Page | None = None) -> list[str]:
    page = page or _parse(html)
    found = [urljoin(base, href) for href in page.links]
    for form in page.forms:
        if form["method"] != "get":
            continue
        action = urljoin(base, form["action"] or base)
        fields = [(n, v) for n, v in form["fields"] if n != "csrfmiddlewaretoken"]
        found.append(f"{action.split('?')[0]}?{urlencode(fields)}")
        for name, value in form.get("variants", []):
            varied = [(n, value if n == name else v) for n, v in fields]
            found.append(f"{action.split('?')[0]}?{urlencode(varied)}")
    return found


def _local(url: str) -> str | None:
    """The path and query of a link of this site worth following, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path or parts.path.startswith(("/static/", "/media/", "/__")):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


def _view(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


# what a hand-edited or stale address sends to a list: each is sent once to every list the crawler
# meets (a page with a GET form, an admin list, an export); a 404, 400 or a redirect is a fine
# answer, a 500 is not (the admin's exports answered 500 to a filter the model does not have)
FUZZ = [
    ("page", "abc"),
    ("page", "99999"),
    ("q", "\x00"),
    ("o", "zz.-1"),
    ("nonexistent__field", "1"),
    ("organization", "abc"),
    ("municipality__id__exact", "abc"),
    ("date", "31.02.2025"),
    ("year", "99999999999"),
    ("status", "<script>"),
]
FUZZED = "подделанный адрес"


def _fuzzed(url: str) -> list[str]:
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    out = []
    for name, value in FUZZ:
        varied = [(n, v) for n, v in params if n != name] + [(name, value)]
        out.append(f"{parts.path}?{urlencode(sorted(varied))}")
    return out


def _is_list(view: str, page: _Page) -> bool:
    return view.endswith(("_changelist", "_export")) or any(f["method"] == "get" for f in page.forms)


def crawl(client, start: list[str], *, limit: int, constraints: set[str]) -> tuple[int, list[tuple[str, str]]]:
    """Pages fetched and the faults found: (class, description)."""
    queue: deque[tuple[str, str]] = deque((url, "начало") for url in start)
    seen = set(start)
    fuzzed_views: set[str] = set()
    per_view: Counter[str] = Counter()
    faults: list[tuple[str, str]] = []
    fetched = 0
    while queue and fetched < limit:
        url, referrer = queue.popleft()
        view = _view(url)
        if view is None:
            faults.append(("ссылка в никуда", f"{url} (со страницы {referrer})"))
            continue
        if view in NEVER or view.split(":")[0] in THIRD_PARTY_ADMIN:
            continue
        if any(f"admin:{app}_" in view for app in THIRD_PARTY_ADMIN):
            continue
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - the class of the failure is the finding
            faults.append(("500", f"{url} (со страницы {referrer}): {type(exc).__name__}: {exc}"[:400]))
            continue
        fetched += 1
        status = response.status_code
        if status >= 500:
            faults.append(("500", f"{url} (со страницы {referrer})"))
            continue
        if referrer == FUZZED and status in (400, 403, 404, 301, 302):
            continue
        if status == 404 and referrer != "начало":
            faults.append(("ссылка на 404", f"{url} (со страницы {referrer})"))
            continue
        if status == 403 and referrer != "начало":
            faults.append(("ссылка на 403", f"{url} (со страницы {referrer})"))
            continue
        if status in (301, 302):
            target = _local(urljoin(url, response["Location"]))
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        page = _parse(html)
        text = " ".join([visible_text(html), *page.values])
        for problem in problems_in(text, constraints):
            faults.append((problem.split(" ")[0], f"{url}: {problem}"))
        for match in DENY_PHRASES.findall(text):
            faults.append(("фраза", f"{url}: {match!r}"))
        for match in OTHER_DATES.findall(text):
            faults.append(("ISO-дата", f"{url}: дата {match!r}"))
        for match in WORD_DATES.findall(html):
            faults.append(("дата словами", f"{url}: дата {match!r}"))
        if view not in fuzzed_views and referrer != FUZZED and _is_list(view, page):
            fuzzed_views.add(view)
            for target in _fuzzed(url):
                if target not in seen:
                    seen.add(target)
                    queue.appendleft((target, FUZZED))
        for target in _targets(url, html, page):
            local = _local(target)
            if local is None or local in seen:
                continue
            seen.add(local)
            target_view = _view(local)
            if target_view is not None:
                per_view[target_view] += 1
                if per_view[target_view] > PER_VIEW:
                    continue
            queue.append((local, url))
    return fetched, faults


@pytest.mark.slow(seconds=30)
@pytest.mark.parametrize("username", [*ROLES, "admin"])
def test_crawling_every_page_as_every_role_finds_nothing_a_person_must_not_meet(seeded, client, username):  # noqa: F811
    """One role a test: the eight crawls share the workers (one 240-second test held one worker)."""
    constraints = constraint_names()
    client.raise_request_exception = True
    user = User.objects.filter(username=username).first() or User.objects.filter(is_superuser=True).first()
    client.force_login(user)
    start = ["/"] + (["/admin/"] if user.is_staff else [])
    fetched, faults = crawl(client, start, limit=PAGES_PER_ROLE, constraints=constraints)
    classes = Counter(kind for kind, _ in faults)
    report = [f"{username}: [{kind}] {text}" for kind, text in faults]
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(f"{username}: {fetched} страниц, {len(faults)} находок\n")
            log.writelines(f"{line}\n" for line in report)
    summary = ", ".join(f"{k}: {n}" for k, n in classes.most_common())
    # every role reaches well beyond its menu: the participants' pages are few, the others' many
    assert fetched >= min(PAGES_PER_ROLE, 10), fetched
    assert not report, f"{fetched} страниц; {summary}\n" + "\n".join(dict.fromkeys(report))


def test_the_crawler_reads_links_and_get_forms():
    html = """<a href="/a/?x=1">a</a><a href="https://other.example/">out</a>
    <form method="get" action="/list/"><input name="q" value="кто"><select name="s">
    <option value="">все</option><option value="done">выполнено</option></select>
    <input type="checkbox" name="c" value="1"><button>Найти</button></form>
    <form method="post" action="/write/"><input name="x"></form>"""
    targets = _targets("/page/", html)
    assert "/a/?x=1" in targets and "/list/?q=%D0%BA%D1%82%D0%BE&s=" in targets
    assert "/list/?q=%D0%BA%D1%82%D0%BE&s=done" in targets
    assert not any("/write/" in t for t in targets)
    assert _local("https://other.example/") is None and _local("/static/x.css") is None
    assert "/l/?page=abc&q=1" in _fuzzed("/l/?q=1&page=2")
    dates = WORD_DATES.findall("<td>30 ноября 2026 г.</td><td>до 31 декабря 2021 г.</td>")
    assert dates == ["30 ноября 2026 г."]
