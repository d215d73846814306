"""Links to a report that are sent to its reporter."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def tracking_url(code: str) -> str:
    """Absolute link to the citizen's tracking page of one report."""
    try:
        path = reverse("track_code", args=[code])
    except NoReverseMatch:
        path = f"/lacak/{code}/"
    return f"{settings.SITE_URL}{path}"
