"""The notification center, preferences and the coordinator's sent log (short views; rules live elsewhere)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import scoping
from accounts.redirects import redirect_next, redirect_safe
from notifications import selectors, services
from notifications.kinds import Kind
from notifications.models import Notification, ReminderStatus

PAGE_SIZE = 30


@login_required
def notification_list(request):
    qs = selectors.notifications_for(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "only_unread": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark read and go to the object the notification is about."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("Уведомление не найдено.") from None
    return redirect_safe(request, notification.path, "notifications:list")


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("Уведомление не найдено.") from None
    return redirect_next(request, "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"Отмечено прочитанными: {count}.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    if request.method == "POST":
        services.preferences_save(
            user=request.user,
            choices={
                kind: request.POST.get(kind, "all")
                for kind in Kind.values
                if request.POST.get(kind) in ("all", "app", "none")
            },
        )
        messages.success(request, "Настройки уведомлений сохранены.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": selectors.preference_choices(request.user)})


def _log_municipality(request):
    """The municipality whose log the coordinator asked for (the first of theirs by default)."""
    municipalities = list(selectors.log_municipalities(request.user))
    if not municipalities:
        raise Http404("Журнал рассылок доступен муниципальным координаторам.")
    chosen = request.GET.get("municipality")
    if not chosen:
        return municipalities[0], municipalities
    municipality = next((m for m in municipalities if str(m.pk) == chosen), None)
    if municipality is None:
        raise Http404("Муниципалитет не найден или недоступен.")
    return municipality, municipalities


def _utc_offset(municipality) -> str:
    """«UTC+7» for Asia/Krasnoyarsk: the zone in words a user reads (its IANA name is an internal)."""
    from django.utils import timezone

    offset = timezone.now().astimezone(municipality.tzinfo).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@login_required
def sent_log(request):
    """Coordinators: what was sent to whom and when. Tomorrow's preview is its own request
    (`tomorrow`), loaded into the page, because it runs every reminder rule over the city."""
    municipality, municipalities = _log_municipality(request)
    log = selectors.sent_log(request.user, municipality)
    status = request.GET.get("status")
    if status in ReminderStatus.values:
        log = log.filter(status=status)
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/sent_log.html",
        {
            "municipality": municipality,
            "municipalities": municipalities,
            "page": page,
            "statuses": ReminderStatus.choices,
            "status": status,
            "local_today": services.local_today(municipality),
            "utc_offset": _utc_offset(municipality),
            "can_edit": scoping.can_edit_municipality(request.user, municipality),
        },
    )


@login_required
def tomorrow(request):
    """What tomorrow's sweep will send in the coordinator's municipality (read-only preview)."""
    municipality, _ = _log_municipality(request)
    day, upcoming = selectors.tomorrow_preview(request.user, municipality)
    # a regional centre has hundreds of reminders a day: counts by kind, and the rows a page at a time
    page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_organizations(request.user, list(page.object_list))
    # counted by value, each label looked up once (get_kind_display() per row for the ~1,000
    # reminders of a regional centre cost more than the rest of the view's Python)
    by_kind: Counter[str] = Counter()
    for kind, n in Counter(row.kind for row in upcoming).items():
        by_kind[str(selectors.KIND_LABELS.get(kind, kind))] += n
    return render(
        request,
        # loaded into the log page by htmx; «открыть отдельно» (a plain request) gets a whole page
        "notifications/_tomorrow.html" if request.headers.get("HX-Request") else "notifications/tomorrow_page.html",
        {
            "municipality": municipality,
            "tomorrow": day,
            "upcoming": page.object_list,
            "total": len(upcoming),
            "letters": selectors.letter_count(upcoming),
            "by_kind": sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])),
            "page": page,
        },
    )
