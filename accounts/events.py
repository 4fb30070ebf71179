"""Something happened that people should hear about (a report submitted, returned, accepted).

The app where it happens sends `workflow_event`; the notifications app listens (connected in its
AppConfig.ready) and tells the recipients. The sender never imports the notifications app, so the
layering of docs/ARCHITECTURE.md holds: monitoring → accounts ← notifications.

Keyword arguments of a send: kind (a notifications kind value), object_type, object_id (the
event's own id, so each event is told once), recipients (users), municipality, title, message,
path, organization_id.

`organizations_changed` says that some organizations' counts changed in bulk (see below).
"""

import contextlib
import threading
from collections.abc import Iterator

from django.dispatch import Signal

workflow_event = Signal()

#: The counts of some organizations changed by a bulk write that sends no model signals (an import
#: written by COPY, records created in bulk). Keyword argument: organization_ids (None: every
#: organization, sent by a seeder at its end). The app that keeps aggregates (monitoring.stats)
#: listens; senders never import it.
organizations_changed = Signal()

_seeding = threading.local()


@contextlib.contextmanager
def seeding() -> Iterator[None]:
    """Bulk seeding (seed_demo, seed_scale): whoever keeps aggregates skips its per-write work
    inside; the seeder sends `organizations_changed(organization_ids=None)` at the end."""
    before = getattr(_seeding, "on", False)
    _seeding.on = True
    try:
        yield
    finally:
        _seeding.on = before


def is_seeding() -> bool:
    return getattr(_seeding, "on", False)
