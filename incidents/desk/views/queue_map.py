"""The desk map (/petugas/peta/): the filtered queue on a map, and its GeoJSON."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from incidents.desk.queue_map import MAP_LIMIT, desk_map_bytes
from incidents.desk.views.common import desk_page, desk_required, messages_from
from incidents.desk.views.queue import INVALID_FILTERS, filter_selects, opens_on_role_default, queue_filters
from incidents.desk.work import ALL_PARAMS, role_default_description
from incidents.models import Status
from kitaaman import region


@require_GET
@desk_required
def map_page(request):
    form, params, valid = queue_filters(request)
    if not valid:
        messages.error(request, INVALID_FILTERS)
    showing_work = opens_on_role_default(request)
    # The role's default travels as is (no query: the same default on the list
    # and in the data); anything else, or "Semua", is spelt out.
    query = "" if showing_work else urlencode(params or ALL_PARAMS)
    suffix = f"?{query}" if query else ""
    bbox = region.bbox()
    context = {
        "form": form,
        "params": params,
        "selects": filter_selects(form),
        "active_filters": len([k for k in params if k != "sort"]),
        "chosen_filters": 0 if showing_work else len([k for k in params if k != "sort"]),
        "work_description": role_default_description(request.user) if showing_work else "",
        "all_url": reverse("desk:map") + "?" + urlencode(ALL_PARAMS),
        "geojson_url": reverse("desk:map_geojson") + suffix,
        "list_url": reverse("desk:home") + suffix,
        "bbox": f"{bbox['min_lat']},{bbox['min_lng']},{bbox['max_lat']},{bbox['max_lng']}",
        "legend": [(value, label) for value, label in Status.choices],
        "map_limit": MAP_LIMIT,
    }
    return desk_page(request, "incidents/desk/map.html", context)


@require_GET
@desk_required
def map_geojson(request):
    form, params, valid = queue_filters(request)
    if not valid:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"detail": str(INVALID_FILTERS), "errors": errors}, status=400)
    try:
        body = desk_map_bytes(request.user, params)
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(messages_from(exc))}, status=400)
    response = HttpResponse(body, content_type="application/geo+json")
    # The answer depends on who asks: never cached by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
