"""Keeps participants (mentors and mentees with their own accounts) on their own pages.

Staff pages scope their rows through accounts.scoping and would show a participant empty lists;
this boundary makes the rule plain instead: a user whose only role is the participant role reaches
the participant pages, their notifications and their password, and gets 403 anywhere else (the
admin included). The start page sends them to their own page.
"""

from __future__ import annotations

from django.shortcuts import redirect, render

from accounts.scoping import is_participant_only

# URL namespaces and names a participant may open
PARTICIPANT_NAMESPACES = frozenset({"participant"})
PARTICIPANT_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "health",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation_welcome",
        "notifications:list",
        "notifications:open",
        "notifications:read",
        "notifications:read_all",
        "notifications:preferences",
    }
)
PARTICIPANT_HOME = "participant:home"


class ParticipantBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_participant_only(user):
            return None
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name == "home":
            return redirect(PARTICIPANT_HOME)
        if match.namespaces and match.namespaces[0] in PARTICIPANT_NAMESPACES:
            return None
        if match.view_name in PARTICIPANT_URL_NAMES:
            return None
        return render(request, "403.html", status=403)
