"""Something happened that people should hear about (a report submitted, returned, accepted).

The app where it happens sends `workflow_event`; the notifications app listens (connected in its
AppConfig.ready) and tells the recipients. The sender never imports the notifications app, so the
layering of docs/ARCHITECTURE.md holds: monitoring → accounts ← notifications.

Keyword arguments of a send: kind (a notifications kind value), object_type, object_id (the
event's own id, so each event is told once), recipients (users), municipality, title, message,
path, organization_id.
"""

from django.dispatch import Signal

workflow_event = Signal()
