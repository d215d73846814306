"""Signals other apps subscribe to (incidents never imports them)."""

from django.dispatch import Signal

# Sent inside the transaction that changed the response standard of a fire
# category (Category.response_minutes), with `category_id`.
fire_standard_changed = Signal()
