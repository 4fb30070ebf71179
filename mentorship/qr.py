"""QR codes for printed invitations, drawn by segno (pure Python, no image libraries, inline SVG)."""

from __future__ import annotations

import segno
from django.utils.safestring import mark_safe


def qr_svg(text: str, *, scale: int = 5) -> str:
    code = segno.make(text, error="m")
    return mark_safe(code.svg_inline(scale=scale, dark="#000", light="#fff", title="QR-код ссылки приглашения"))
