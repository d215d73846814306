"""What incidents tells other apps, and what it may read from them.

incidents never imports another app of the project. It announces its changes
with Django signals, and where a figure it shows can be read faster from
another app's aggregates (the desk's status counts, the home page's month
figures) it names a slot (`Source`) that the other app fills in its
AppConfig.ready(). An empty slot means the figure is counted from incidents'
own tables, so incidents works alone.
"""

from collections.abc import Callable

from django.dispatch import Signal

# Sent inside the transaction that changed the response standard of a fire
# category (Category.response_minutes), with `category_id`.
fire_standard_changed = Signal()

# Sent inside the transaction of every change of a report (intake, transition,
# assignment, triage, escalation, holiday shift), with `incident` after the
# change and `previous`, its `snapshot()` before it (None for a new report), so
# aggregates can move a count from the old key to the new one. Receivers run in
# the transaction: one that raises rolls the change back.
incident_changed = Signal()

# Sent once an erasure has committed, with `needles` (the erased person's name,
# number and e-mail, lowercased) and `redact` (a function that redacts them from
# a dict). A receiver removes what it keeps of the person outside the database
# (files on disk) and returns how many things it removed.
reporter_erased = Signal()

# Fields whose change can move a report between aggregate keys, or on or off
# the public map (confidential, the point).
TRACKED_FIELDS = (
    "status",
    "confidential",
    "lat",
    "lng",
    "category_id",
    "desa_id",
    "kecamatan_id",
    "created_at",
    "priority",
    "spm_must_serve",
    "spm_served",
    "arrived_at",
    "reported_at",
    "verified_at",
    "resolved_at",
    "due_at",
)


def snapshot(incident) -> dict:
    return {name: getattr(incident, name) for name in TRACKED_FIELDS}


def announce_change(incident, previous: dict | None) -> None:
    """Send `incident_changed` for a report (inside the caller's transaction)."""
    incident_changed.send(sender=type(incident), incident=incident, previous=previous)


class Source:
    """A figure incidents shows that another app may provide from its aggregates.

    The providing app calls `provide(function)` in its AppConfig.ready();
    incidents calls `function` when it is set and counts its own rows otherwise."""

    def __init__(self, description: str):
        self.description = description
        self.function: Callable | None = None

    def provide(self, function: Callable) -> None:
        self.function = function


# Reports per status among a set of kecamatan, plus `overdue`:
# function(*, kecamatan_codes, now) -> {status: count, "overdue": count}.
desk_status_counts = Source("the desk's status counts")
# Reports received in a month per category id, all statuses but duplicates and
# rejected: function(*, month: date) -> {category id: count}.
month_counts_by_category = Source("the home page's month figures")

# Sent by the SMS channel (inside the processing transaction) when a number
# asks for the warnings of a desa by SMS and confirms with YA, with `number`
# and `desa_code`; and when it sends BERHENTI, with `number` (`desa_code`
# None: every subscription of the number ends). The warnings app keeps the
# subscribers; a receiver returns how many subscriptions it changed.
warnings_sms_subscribe = Signal()
warnings_sms_unsubscribe = Signal()
