"""Public side of the early warnings: /peringatan/ (list, detail with the area
map, subscribing by desa) and the CAP documents and Atom feed under /cap/.

Drafts are never public: every page here reads published messages only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kitaaman import region
from kitaaman.form_errors import errors_onto_form
from kitaaman.ratelimit import Bucket, Rate, address_key

from . import selectors
from .atom import build_feed
from .cap import alert_areas, areas_geojson
from .forms import SubscribeForm
from .models import State
from .subscriptions import subscriber_confirm, subscriber_create, subscriber_unsubscribe

CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"


@require_GET
def public_list(request):
    now = timezone.now()
    recent = (
        selectors.public_alerts().exclude(state=State.PUBLISHED).filter(sent__gte=now - timezone.timedelta(days=30))
    )
    return render(
        request,
        "warnings/public/list.html",
        {
            "active": list(selectors.active_alerts(now).prefetch_related("areas__desa__kecamatan")),
            "external": list(selectors.active_external_alerts(now)),
            "recent": recent.prefetch_related("areas__desa__kecamatan", "areas__kecamatan")[:20],
        },
    )


@require_GET
def public_detail(request, pk):
    alert = get_object_or_404(
        selectors.public_alerts()
        .select_related("references")
        .prefetch_related("areas__desa__kecamatan", "areas__kecamatan"),
        pk=pk,
    )
    return render(
        request,
        "warnings/public/detail.html",
        {
            "alert": alert,
            "areas_geojson": areas_geojson(alert_areas(alert)),
            "followups": selectors.public_alerts().filter(references=alert),
            "bbox": region.bbox(),
            # The drafter's optional English text, for visitors who chose English.
            "english": get_language() == "en",
        },
    )


def _subscribe_allowed(request) -> bool:
    """Per address: the form sends SMS, so it must not be a free SMS cannon."""
    limit = Rate.parse(settings.THROTTLE_SUBSCRIBE)
    return not Bucket("subscribe", address_key(request), limit).take()


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None, initial={"desa": request.GET.get("desa", "")})
    if request.method == "POST":
        if not _subscribe_allowed(request):
            form.is_valid()
            form.add_error(None, _("Terlalu banyak pendaftaran dari perangkat ini. Coba lagi nanti."))
            return render(request, "warnings/public/subscribe.html", {"form": form}, status=429)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                return render(request, "warnings/public/subscribe_sent.html", {"channel": "sms"})
            try:
                subscriber, _created = subscriber_create(
                    desa_code=form.cleaned_data["desa"],
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                )
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                # The same answer whether or not the address was already subscribed.
                return render(request, "warnings/public/subscribe_sent.html", {"channel": subscriber.channel})
    return render(request, "warnings/public/subscribe.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # A GET only shows the button: mail scanners that open links confirm nothing.
    if request.method == "POST":
        subscriber = subscriber_confirm(token=token)
        if subscriber is None:
            raise Http404
        return render(request, "warnings/public/confirmed.html", {"subscriber": subscriber})
    return render(request, "warnings/public/confirm.html", {"token": token})


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        subscriber_unsubscribe(token=token)
        return render(request, "warnings/public/unsubscribed.html")
    return render(request, "warnings/public/unsubscribe.html", {"token": token})


@require_GET
def cap_xml(request, identifier):
    alert = selectors.alert_by_identifier(identifier)
    if alert is None:
        raise Http404
    response = HttpResponse(alert.cap_xml.encode("utf-8"), content_type=CAP_CONTENT_TYPE)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def cap_feed(request):
    response = HttpResponse(build_feed(), content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response
