"""Hooks monitoring offers to apps above it (it imports none of them)."""

from django.dispatch import Signal

#: sent inside campaign_open's transaction, with `campaign=` (a questionnaire campaign opened or
#: extended to new organizations); the participants app announces the questionnaires
campaign_opened = Signal()
