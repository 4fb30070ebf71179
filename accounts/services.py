"""Writes of the accounts app."""

from __future__ import annotations

from accounts.models import ExportLog, Municipality, Organization, User


def export_log_record(
    *,
    user: User,
    kind: str,
    rows: int,
    masked_rows: int = 0,
    municipality: Municipality | None = None,
    organization: Organization | None = None,
    parameters: dict | None = None,
    request=None,
) -> ExportLog:
    """Record an export that contains personal data. Call it from every such export."""
    ip = None
    if request is not None:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")
    return ExportLog.objects.create(
        user=user,
        kind=kind,
        rows=rows,
        masked_rows=masked_rows,
        municipality=municipality,
        organization=organization,
        parameters=parameters or {},
        ip_address=ip or None,
    )
