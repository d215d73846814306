"""The citizen's report form (/lapor/) and its confirmation page."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from incidents.exceptions import StorageUnavailable
from incidents.intake.forms import ReportForm, question_field_name
from incidents.intake.offline import client_messages, kept_for_residents, page_config
from incidents.intake.quota import report_hold, set_device_cookie
from incidents.intake.services import report_submit
from incidents.intake.submission import Submission
from incidents.intake.tracking import incident_by_tracking_code, new_tracking_code
from incidents.models import Category, Desa, Kecamatan
from kitaaman import region

# Service error keys that are form fields of the same name.
FORM_FIELDS = ("category", "description", "occurred_at", "kecamatan", "desa", "photos", "consent")


def _desa_by_kecamatan():
    desa = (
        Desa.objects.offered()
        .only("code", "name", "kecamatan_id", "lat", "lng", "jenis")
        .order_by("kecamatan_id", "name")
    )
    return (
        Kecamatan.objects.offered()
        .only("code", "name", "lat", "lng")
        .prefetch_related(Prefetch("desa_set", queryset=desa, to_attr="desa_list"))
    )


CATEGORY_GROUP_HELP = {
    Category.Group.KONFLIK: gettext_lazy("Sengketa atau bentrokan antarwarga, antarkelompok, atau dengan perusahaan."),
    Category.Group.BENCANA: gettext_lazy(
        "Banjir, tanah longsor, kebakaran hutan dan lahan, angin puting beliung, dan lainnya."
    ),
    Category.Group.KEBAKARAN: gettext_lazy("Kebakaran rumah, toko, atau gedung."),
    Category.Group.KETERTIBAN: gettext_lazy("Pelanggaran Perda/Perbup, gangguan ketertiban, unjuk rasa, kerusuhan."),
}


def _category_groups(categories):
    groups = []
    for value, label in Category.Group.choices:
        items = [c for c in categories if c.group == value]
        if items:
            groups.append({"code": value, "label": label, "help": CATEGORY_GROUP_HELP.get(value, ""), "items": items})
    return groups


def _js_messages():
    return {
        "placed": _("Titik lokasi ditandai. Geser penanda bila kurang tepat."),
        "outside": _("Titik itu berada di luar %(region)s. Pilih titik di dalam wilayahnya.")
        % {"region": region.current().official_name},
        "locating": _("Mencari lokasi Anda…"),
        "noGeo": _("Perangkat ini tidak dapat memberi lokasi. Ketuk peta atau pilih desa dari daftar."),
        "denied": _(
            "Lokasi tidak dapat diambil (izin ditolak atau sinyal GPS lemah). Ketuk peta atau pilih desa dari daftar."
        ),
        "cleared": _("Titik lokasi dihapus."),
        "tooMany": _("Paling banyak %(n)s foto. Pilih ulang fotonya."),
        "tooLarge": _("Foto %(name)s lebih dari 10 MB. Pilih foto yang lebih kecil."),
        "chosen": _("%(n)s foto dipilih."),
    }


ERROR_ANCHORS = {
    "category": "langkah-kategori",
    "consent": "langkah-persetujuan",
    "lat": "field-peta",
    "lng": "field-peta",
}


def _error_summary(form):
    """[(anchor, label, message)] for the list at the top of the form, in page order."""
    rows = []
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            rows.append((ERROR_ANCHORS.get(name, f"field-{name}"), field.label or "", message))
    return rows


def _render_report(request, form, *, status=200, rate_limited=False, retry_after=0, photos_dropped=False):
    response = render(
        request,
        "incidents/public/report.html",
        {
            "form": form,
            "category_groups": _category_groups(form.categories),
            "kecamatan_list": _desa_by_kecamatan(),
            "photos_dropped": photos_dropped,
            "rate_limited": rate_limited,
            "retry_minutes": max(1, (retry_after + 59) // 60),
            "max_photos": settings.MAX_PHOTOS,
            "max_photo_mb": settings.MAX_PHOTO_BYTES // (1024 * 1024),
            "bbox": region.bbox(),
            "js_messages": {**_js_messages(), **client_messages()},
            "lapor_config": page_config(),
            # Signed-in staff keep the plain form, so the report records who entered it.
            "offline_submit": not request.user.is_authenticated,
            "error_summary": _error_summary(form) if form.is_bound else [],
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    set_device_cookie(request, response)
    return response


def _map_errors(form, exc: ValidationError, category):
    """Put each service error next to its field."""
    for key, messages in exc.message_dict.items():
        if key == "category" and not form.cleaned_data.get("category"):
            messages = [_("Pilih jenis kejadian yang dilaporkan.")]
        if key in FORM_FIELDS:
            field = key
        elif key in ("lat", "lng"):
            field = "lat"
        elif key.startswith("details.") and category is not None:
            field = question_field_name(category.code, key.split(".", 1)[1])
            if field not in form.fields:
                field = None
        elif key == "details":
            # The per-question messages say it better when there are any.
            if any(k.startswith("details.") for k in exc.message_dict):
                continue
            field = None
        else:
            field = None
        for message in messages:
            form.add_error(field, message)


@kept_for_residents
@require_http_methods(["GET", "POST"])
def report(request):
    categories = list(Category.objects.filter(active=True))
    if request.method == "GET":
        initial = {}
        if request.GET.get("kategori"):
            initial["category"] = request.GET["kategori"]
        return _render_report(request, ReportForm(initial=initial, categories=categories))

    form = ReportForm(request.POST, request.FILES, categories=categories)
    attached = bool(request.FILES.getlist("photos"))
    with report_hold(request) as hold:
        if hold.wait:
            form.is_valid()
            return _render_report(
                request, form, status=429, rate_limited=True, retry_after=hold.wait, photos_dropped=attached
            )
        return _report_submit(request, form, categories, attached, hold)


def _report_submit(request, form, categories, attached, hold):
    if request.POST.get("website"):
        # A bot filled the hidden field: it sees success, nothing is stored.
        return render(
            request, "incidents/public/report_done.html", {"tracking_code": new_tracking_code(), "fake": True}
        )
    if not form.is_valid():
        return _render_report(request, form, photos_dropped=attached)
    data = form.cleaned_data

    category = next((c for c in categories if c.code == data["category"]), None)
    try:
        incident, created = report_submit(
            Submission.from_fields(
                data,
                category=category,
                details=form.details_for(category),
                entered_by=request.user if request.user.is_authenticated else None,
            )
        )
    except ValidationError as exc:
        _map_errors(form, exc, category)
        return _render_report(request, form, photos_dropped=attached)
    except StorageUnavailable as exc:
        # Nothing was saved; everything typed stays on the page.
        form.add_error("photos", str(exc))
        response = _render_report(request, form, status=503, photos_dropped=attached)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if created:
        hold.keep()
    return redirect("report_done", code=incident.tracking_code)


def _service_level(amount, unit_label):
    return f"{amount} {unit_label}"


@never_cache
def report_done(request, code):
    incident = incident_by_tracking_code(code)
    if incident is None:
        raise Http404
    category = incident.category
    return render(
        request,
        "incidents/public/report_done.html",
        {
            "incident": incident,
            "tracking_code": incident.tracking_code,
            "category": category,
            "verify_within": _service_level(category.verify_within, category.get_verify_unit_display()),
            "track_url": request.build_absolute_uri(reverse("track_code", args=[incident.tracking_code])),
        },
    )
