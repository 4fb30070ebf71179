"""Seed 000, item 5.1: visit each organization's mentoring-section URL and record what is there."""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from django.utils import timezone

from monitoring.models import WebsiteCheck, WebsiteCheckRun

log = logging.getLogger(__name__)

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".rtf")
MENTION = re.compile(r"наставничеств", re.IGNORECASE)
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT = 10


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def check_url(url: str) -> dict:
    """One page: reachability, status, the mention of mentoring and linked documents."""
    result = {
        "url": url,
        "reachable": False,
        "status_code": None,
        "mentions_mentoring": False,
        "documents": [],
        "error": "",
    }
    if not url:
        result["error"] = "Адрес раздела не указан"
        return result
    request = urllib.request.Request(url, headers={"User-Agent": "Nastavnik-monitoring/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:  # noqa: S310 (http/https only, checked below)
            result["status_code"] = resp.status
            body = resp.read(MAX_BYTES)
            charset = resp.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        result["status_code"] = exc.code
        result["error"] = f"HTTP {exc.code}"
        return result
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        result["error"] = str(getattr(exc, "reason", exc))[:300]
        return result
    result["reachable"] = 200 <= (result["status_code"] or 0) < 400
    text = body.decode(charset, errors="replace")
    result["mentions_mentoring"] = bool(MENTION.search(text))
    parser = _Links()
    parser.feed(text)
    docs = []
    for href, label in parser.links:
        absolute = urllib.parse.urljoin(url, href)
        if urllib.parse.urlparse(absolute).path.lower().endswith(DOCUMENT_EXTENSIONS):
            docs.append({"url": absolute, "title": label})
    result["documents"] = docs[:100]
    return result


def run_checks(*, run_id: int) -> int:
    run = WebsiteCheckRun.objects.filter(pk=run_id).select_related("municipality").first()
    if run is None:
        log.info("website check run %s is gone", run_id)
        return 0
    count = 0
    for org in run.municipality.organizations.filter(is_active=True).order_by("short_name"):
        url = org.mentoring_page_url or org.website
        if url and urllib.parse.urlparse(url).scheme not in ("http", "https"):
            url = ""
        data = check_url(url)
        WebsiteCheck.objects.update_or_create(
            run=run, organization=org, defaults={**data, "checked_at": timezone.now()}
        )
        count += 1
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return count
