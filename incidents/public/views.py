"""Citizen pages that read: the home page and the tracking page.

Nothing here shows the reporter's identity or contact, or an internal note."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from incidents.intake.forms import TrackForm
from incidents.intake.tracking import incident_by_tracking_code, normalize_tracking_code
from incidents.maps import leaflet_loader
from incidents.models import Kecamatan, Status
from incidents.public import cache as public_cache
from incidents.public.layer import DEFAULT_PERIOD, PERIODS
from incidents.public.selectors import (
    category_counts_for_month,
    month_range,
    original_status,
    public_events,
    public_handling,
)
from kitaaman import region
from kitaaman.ratelimit import Bucket, address_key


@never_cache
def track(request, code=None):
    # Same bucket as the tracking API: guessing codes is as slow on either door.
    wait = Bucket("track", address_key(request)).take()
    if wait:
        response = render(
            request,
            "incidents/public/track.html",
            {"form": TrackForm(), "rate_limited": True, "retry_minutes": max(1, (wait + 59) // 60)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    if code is None:
        raw = request.GET.get("kode", "")
        if not raw:
            return render(request, "incidents/public/track.html", {"form": TrackForm()})
        normalized = normalize_tracking_code(raw)
        if normalized:
            return redirect("track_code", code=normalized)
        form = TrackForm(request.GET)
        return render(request, "incidents/public/track.html", {"form": form, "not_found": True}, status=404)

    normalized = normalize_tracking_code(code)
    if normalized and normalized != code:
        return redirect("track_code", code=normalized)
    incident = incident_by_tracking_code(code) if normalized else None
    if incident is None:
        form = TrackForm(initial={"kode": code})
        return render(request, "incidents/public/track.html", {"form": form, "not_found": True}, status=404)
    original = original_status(incident)
    return render(
        request,
        "incidents/public/track.html",
        {
            "form": TrackForm(initial={"kode": incident.tracking_code}),
            "incident": incident,
            "events": public_events(incident),
            "handling": public_handling(incident),
            "original_status": original,
            "original_status_label": Status(original).label if original else "",
        },
    )


def home(request):
    """Anonymous and hit by everyone at once in a disaster: no query of the reports
    table, figures from the rollup (signals.month_counts_by_category), kept briefly in the cache."""
    month = month_range()[0].date().isoformat()
    # One cache entry for everything the page shows from the database.
    figures = public_cache.cached_value(
        public_cache.REFERENCE, "home", (month,), _home_figures, settings.KITAAMAN_HOME_CACHE_SECONDS
    )
    return render(
        request,
        "incidents/public/home.html",
        {
            "counts": figures["counts"],
            "total_month": sum(row["count"] for row in figures["counts"]),
            "geojson_url": reverse("api-report-public-geojson"),
            "map_days": PERIODS[DEFAULT_PERIOD],
            "bbox": region.bbox(),
            "kecamatan_points": figures["kecamatan_points"],
            "map_loader": leaflet_loader(()),
        },
    )


def _home_figures() -> dict:
    return {"counts": category_counts_for_month(), "kecamatan_points": _kecamatan_points()}


def _kecamatan_points() -> list[dict]:
    return [
        {"name": k.name, "lat": round(k.lat, 5), "lng": round(k.lng, 5)}
        for k in Kecamatan.objects.offered().only("code", "name", "lat", "lng")
    ]
