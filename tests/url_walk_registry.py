"""What the URL walk needs to know about URLs with arguments, in one place.

OBJECT_URLS: URL name → (model label, the URL kwarg that takes the object's pk, options).
The walk finds an object of the other municipality (and, for school roles, of another school of
their own city) through the model's foreign keys to Municipality/Organization and expects 404/403.
Options:
  "city_wide": True — the object is legitimately visible across the user's own municipality
                      (e.g. the municipal mentor bank), so only the other municipality is checked.
  "own_path": "..." — the lookup from the object to its owning participant's user: the walk also
                      opens, as a participant, an object of another pair of their own school.
Admin object URLs are derived from the registered ModelAdmins and need no entry.

STATIC_KWARGS: URLs whose arguments are not objects (walked like list pages).
EXTRA_KWARGS: extra non-object arguments of object URLs.

EXEMPT: URLs not walked, each with the reason. Nothing else is skipped: a new URL with arguments
that is in none of these dicts fails the walk, so no page can be forgotten.
"""

_ROADMAP = ("roadmaps.Roadmap", "pk", {})
_PERSON = ("mentorship.Person", "pk", {})
_PAIR = ("mentorship.Pair", "pk", {})
_PROGRAM = ("mentorship.Program", "pk", {})
_ASSIGNMENT = ("monitoring.Assignment", "pk", {})
_CAMPAIGN = ("monitoring.Campaign", "pk", {})
_BUILD = ("monitoring.AnnualReportBuild", "pk", {})
_NOTIFICATION = ("notifications.Notification", "pk", {})

OBJECT_URLS: dict[str, tuple[str, str, dict]] = {
    "organization_detail": ("accounts.Organization", "pk", {}),
    # roadmaps
    "roadmaps:detail": _ROADMAP,
    "roadmaps:timeline": _ROADMAP,
    "roadmaps:matrix": _ROADMAP,
    "roadmaps:matrix_export": _ROADMAP,
    "roadmaps:matrix_remind": _ROADMAP,
    "roadmaps:export": _ROADMAP,
    "roadmaps:source": _ROADMAP,
    "roadmaps:derive": _ROADMAP,
    "roadmaps:status": _ROADMAP,
    "roadmaps:activity_dates": ("roadmaps.Activity", "pk", {}),
    "roadmaps:activity_edit": ("roadmaps.Activity", "pk", {}),
    "roadmaps:indicator_edit": ("roadmaps.Indicator", "pk", {}),
    "roadmaps:record": ("roadmaps.ExecutionRecord", "pk", {}),
    "roadmaps:record_history": ("roadmaps.ExecutionRecord", "pk", {}),
    "roadmaps:record_evidence": ("roadmaps.ExecutionRecord", "pk", {}),
    # mentorship
    "mentorship:person_detail": _PERSON,
    "mentorship:person_edit": _PERSON,
    "mentorship:consent_create": _PERSON,
    "mentorship:consent_withdraw": ("mentorship.Consent", "pk", {}),
    "mentorship:consent_scan": ("mentorship.Consent", "pk", {}),
    "mentorship:mentor_card": ("mentorship.Person", "pk", {"city_wide": True}),
    "mentorship:mentee_match": _PERSON,
    "mentorship:pair_detail": _PAIR,
    "mentorship:pair_edit": _PAIR,
    "mentorship:pair_activate": _PAIR,
    "mentorship:pair_complete": _PAIR,
    "mentorship:pair_stop": _PAIR,
    "mentorship:participant_add": _PAIR,
    "mentorship:participant_remove": ("mentorship.PairParticipant", "pk", {}),
    "mentorship:program_create": _PAIR,
    "mentorship:meeting_create": _PAIR,
    "mentorship:meeting_edit": ("mentorship.Meeting", "pk", {}),
    "mentorship:program_edit": _PROGRAM,
    "mentorship:plan_item_add": _PROGRAM,
    "mentorship:program_publish": _PROGRAM,
    "mentorship:plan_item_toggle": ("mentorship.PlanItem", "pk", {}),
    "mentorship:program_bank_detail": ("mentorship.Program", "pk", {"city_wide": True}),
    "mentorship:practice_detail": ("mentorship.Practice", "pk", {"city_wide": True}),
    "mentorship:practice_edit": ("mentorship.Practice", "pk", {}),
    "mentorship:practice_file": ("mentorship.PracticeFile", "pk", {"city_wide": True}),
    "mentorship:event_detail": ("mentorship.Event", "pk", {"city_wide": True}),
    "mentorship:community_detail": ("mentorship.Community", "pk", {"city_wide": True}),
    "mentorship:import_detail": ("mentorship.ImportJob", "pk", {}),
    "mentorship:destruction_act_document": ("mentorship.DestructionAct", "pk", {}),
    "mentorship:person_invite": _PERSON,
    "mentorship:person_invitation_sheet": _PERSON,
    # monitoring
    "monitoring:campaign_detail": _CAMPAIGN,
    "monitoring:campaign_open": _CAMPAIGN,
    "monitoring:campaign_close": _CAMPAIGN,
    "participants:campaign_remind": _CAMPAIGN,
    "monitoring:assignment_detail": _ASSIGNMENT,
    "monitoring:assignment_submit": _ASSIGNMENT,
    "monitoring:assignment_accept": _ASSIGNMENT,
    "monitoring:assignment_return": _ASSIGNMENT,
    "monitoring:response_fill": ("monitoring.Response", "pk", {}),
    "monitoring:build_detail": _BUILD,
    "monitoring:build_progress": _BUILD,
    "monitoring:build_download": _BUILD,
    "monitoring:region_detail": ("accounts.Region", "pk", {}),
    "monitoring:region_export": ("accounts.Region", "pk", {}),
    "monitoring:region_report_request": ("accounts.Region", "pk", {}),
    "monitoring:region_campaigns": ("accounts.Region", "pk", {}),
    "monitoring:region_campaign_detail": ("monitoring.RegionalCampaign", "pk", {}),
    "monitoring:region_campaign_close": ("monitoring.RegionalCampaign", "pk", {}),
    "monitoring:region_request_detail": ("monitoring.RegionalRequest", "pk", {}),
    "monitoring:region_request_submit": ("monitoring.RegionalRequest", "pk", {}),
    "monitoring:region_request_accept": ("monitoring.RegionalRequest", "pk", {}),
    "monitoring:region_request_return": ("monitoring.RegionalRequest", "pk", {}),
    "monitoring:region_municipality": ("accounts.Municipality", "pk", {}),
    "monitoring:build_retry": _BUILD,
    # the participant's own pages
    "participant:pair": ("mentorship.Pair", "pk", {"own_path": "participants__person__user"}),
    "participant:propose": ("mentorship.Pair", "pk", {"own_path": "participants__person__user"}),
    "participant:feedback": ("mentorship.Meeting", "pk", {"own_path": "pair__participants__person__user"}),
    "participant:questionnaire": ("monitoring.Response", "pk", {"own_path": "person__user"}),
    # notifications
    "notifications:open": _NOTIFICATION,
    "notifications:read": _NOTIFICATION,
}

STATIC_KWARGS: dict[str, dict] = {
    "mentorship:xlsx_template": {"kind": "mentors"},
}

EXTRA_KWARGS: dict[str, dict] = {
    "roadmaps:export": {"fmt": "xlsx"},
    "monitoring:build_download": {"fmt": "xlsx"},
}

EXEMPT: dict[str, str] = {
    "login": "public: the login form itself",
    "logout": "POST-only sign-out; does nothing for anonymous users",
    "health": "public liveness probe for the container health check; reveals no data",
    "password_reset": "public: asks for an e-mail, reveals nothing about accounts",
    "password_reset_done": "public confirmation text",
    "password_reset_confirm": "public: guarded by a signed one-time token",
    "password_reset_complete": "public confirmation text",
    "invitation_welcome": "public: guarded by a signed one-time invitation token",
    "admin:login": "public: the admin login form",
    "admin:logout": "POST-only sign-out",
    "admin:password_change": "a user's own password: no scoped data",
    "admin:password_change_done": "a user's own password: no scoped data",
    "admin:jsi18n": "static JavaScript catalog",
    "admin:autocomplete": "answers with the querysets of each ModelAdmin (scoped by ScopedAdminMixin), walked via changelists",
    "admin:view_on_site": "redirect helper that resolves objects through the scoped views' URLs",
    "admin:app_list": "lists model names only (no rows)",
    "route:admin/(?P<url>.*)$": "admin catch-all that answers 404 or a redirect",
    "monitoring:questionnaire_preview": "standard questionnaires are shared by every municipality: no personal data",
}
