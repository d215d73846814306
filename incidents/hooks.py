"""Extension points called by the services inside their transaction.

incidents never imports spm; the SPM side registers its functions by dotted
path in settings.KITAAMAN_INCIDENT_CHANGE_HOOKS. Each hook receives the
incident after the change and `previous`, a dict of the incident's fields
before it (None for a new report), so aggregates can move a count from the
old key to the new one.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

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


@cache
def _hooks():
    return [import_string(path) for path in getattr(settings, "KITAAMAN_INCIDENT_CHANGE_HOOKS", [])]


def snapshot(incident) -> dict:
    return {name: getattr(incident, name) for name in TRACKED_FIELDS}


def incident_changed(incident, previous: dict | None) -> None:
    for hook in _hooks():
        hook(incident=incident, previous=previous)
