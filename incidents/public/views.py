"""Citizen pages that read: the home page and the tracking page.

Nothing here shows the reporter's identity or contact, or an internal note."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from incidents.intake.forms import TrackForm
from incidents.intake.tracking import normalize_tracking_code
from incidents.models import Kecamatan, Status
from incidents.public.selectors import (
    category_counts_for_month,
    incident_by_tracking_code,
    public_events,
    public_handling,
)


@never_cache
def track(request, code=None):
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
    return render(
        request,
        "incidents/public/track.html",
        {
            "form": TrackForm(initial={"kode": incident.tracking_code}),
            "incident": incident,
            "events": public_events(incident),
            "handling": public_handling(incident),
            "original": incident.duplicate_of if incident.status == Status.DUPLIKAT else None,
        },
    )


def home(request):
    counts = category_counts_for_month()
    return render(
        request,
        "incidents/public/home.html",
        {
            "counts": counts,
            "total_month": sum(row["count"] for row in counts),
            "geojson_url": reverse("api-report-public-geojson"),
            "bbox": settings.KABUPATEN_BBOX,
            "kecamatan_points": [
                {"name": k.name, "lat": round(k.lat, 5), "lng": round(k.lng, 5)}
                for k in Kecamatan.objects.only("code", "name", "lat", "lng")
            ],
        },
    )
