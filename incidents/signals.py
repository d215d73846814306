"""Signals other apps subscribe to (incidents never imports them)."""

from django.dispatch import Signal

# Sent inside the transaction that changed the response standard of a fire
# category (Category.response_minutes), with `category_id`.
fire_standard_changed = Signal()

# Sent by the SMS channel (inside the processing transaction) when a number
# asks for the warnings of a desa by SMS and confirms with YA, with `number`
# and `desa_code`; and when it sends BERHENTI, with `number` (`desa_code`
# None: every subscription of the number ends). The warnings app keeps the
# subscribers; a receiver returns how many subscriptions it changed.
warnings_sms_subscribe = Signal()
warnings_sms_unsubscribe = Signal()
