"""Every `next` and every redirect target that comes from outside goes through here.

A target is followed only if it stays on this site (`url_has_allowed_host_and_scheme`: same
host, no scheme change to http on an https request, no `//evil`, no `javascript:`); anything
else falls back to the page named by the caller. Views never pass `request.POST["next"]` or a
stored path to `redirect()` themselves.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_url(request: HttpRequest, url: str | None) -> bool:
    """Whether `url` points to this site."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, fallback: str, *args, param: str = "next") -> str:
    """The `next` of the request (POST first, then the query string) if it stays on this site,
    else `fallback` (a URL name with its `args`, or a path)."""
    candidate = request.POST.get(param) or request.GET.get(param)
    if is_safe_url(request, candidate):
        return candidate
    return resolve_url(fallback, *args)


def redirect_next(request: HttpRequest, fallback: str, *args, param: str = "next") -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, fallback, *args, param=param))


def redirect_safe(request: HttpRequest, url: str | None, fallback: str, *args) -> HttpResponseRedirect:
    """Redirect to a stored target (a notification's link...) if it stays on this site."""
    return HttpResponseRedirect(url if is_safe_url(request, url) else resolve_url(fallback, *args))
