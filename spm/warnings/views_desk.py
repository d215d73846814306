"""Staff pages of the early warnings (/petugas/peringatan/): list, draft,
preview (area map, CAP XML, SMS text), publish, update, cancel.

Every staff role reads. Who writes is decided by the *_check functions of
permissions.py, called here before a form is read (403 otherwise) and again by
the services.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.models import Kecamatan
from incidents.permissions import can_create
from kitaaman import region
from kitaaman.access import role_required
from kitaaman.form_errors import form_save
from kitaaman.http import client_ip

from . import approval, permissions, selectors, services
from .cap import alert_areas, areas_geojson, build_cap, pretty, validation_errors
from .delivery import delivery_progress, sms_text, unsubscribe_url
from .forms import AlertForm, CancelForm
from .models import Alert, MsgType, State
from .reach import reach_by_alert

staff_required = role_required(
    permissions.can_read, who=gettext_lazy("petugas Satpol PP, koordinator dan instansi mitra")
)


def _context(request, **extra):
    return {"can_create": can_create(request.user), **extra}


def _spm_filter(request):
    """?tahun=&sampai=&kecamatan=: the warnings behind one SPM figure."""
    try:
        year = int(request.GET.get("tahun") or 0) or None
        until = date.fromisoformat(request.GET["sampai"]) if request.GET.get("sampai") else None
    except ValueError:
        return None, None, True
    if year is not None and not 2015 <= year <= 2100:
        return None, None, True
    if until is not None and year is not None and until.year != year:
        return None, None, True
    return year, until, False


@staff_required
@require_GET
def alert_list(request):
    state = request.GET.get("status", "")
    kecamatan = request.GET.get("kecamatan", "")
    if kecamatan and not Kecamatan.objects.filter(code=kecamatan).exists():
        kecamatan = ""
    year, until, bad = _spm_filter(request)
    if bad:
        messages.error(request, _("Saringan tahun/tanggal tidak valid; semua peringatan ditampilkan."))
    qs = selectors.alerts_filtered(
        selectors.alerts_visible_to(request.user), state=state, kecamatan=kecamatan, year=year, until=until
    ).prefetch_related("areas__desa", "areas__kecamatan")
    reach, reach_total = None, None
    if year:
        reach = reach_by_alert(year=year, until=until, kecamatan=kecamatan or None)
        reach_total = sum(sum(v.values()) for v in reach.values())
    page = Paginator(qs, 30).get_page(request.GET.get("halaman"))
    user = request.user
    drafts = [a.pk for a in page if a.state == State.DRAFT]
    authored = set(
        Alert.objects.filter(pk__in=drafts).filter(approval.authored_by(user)).values_list("pk", flat=True)
        if drafts
        else ()
    )
    may_publish = permissions.can_publish_any(user)
    now = timezone.now()
    rows = [
        {
            "alert": a,
            "reach": sum((reach or {}).get(a.pk, {}).values()) if reach is not None else None,
            "for_viewer": approval.draft_state_for_viewer(
                a, authored=a.pk in authored, may_publish=may_publish, now=now
            ),
        }
        for a in page
    ]
    can_draft, can_cancel = permissions.can_draft(user), permissions.can_cancel(user)
    return render(
        request,
        "warnings/desk/list.html",
        _context(
            request,
            page=page,
            rows=rows,
            states=State.choices,
            state=state,
            kecamatan=kecamatan,
            kecamatan_list=Kecamatan.objects.only("code", "name"),
            year=year,
            until=until,
            reach_total=reach_total,
            can_draft=can_draft,
            # Read-only is said only to those who can do nothing here.
            read_only=not (can_draft or may_publish or can_cancel),
            filtered=bool(state or kecamatan or year or until),
        ),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def alert_create(request):
    permissions.draft_check(request.user)
    form = AlertForm(request.POST or None)
    if request.method == "POST" and (
        alert := form_save(
            form, lambda cd: services.alert_create(actor=request.user, areas=cd["areas"], **form.content())
        )
    ):
        messages.success(
            request,
            _(
                "Draf tersimpan. Koordinator dan Tim Efektif diberi tahu; draf terbit setelah orang kedua "
                "menyetujuinya."
            ),
        )
        return redirect("warnings:desk_detail", pk=alert.pk)
    return render(request, "warnings/desk/form.html", _context(request, form=form, mode="create"))


def _initial_from(alert: Alert) -> dict:
    fields = {f: getattr(alert, f) for f in services.CONTENT_FIELDS}
    for name in ("onset", "expires"):
        if fields[name]:
            fields[name] = timezone.localtime(fields[name])
    fields["areas"] = [a.code for a in alert.areas.all()]
    return fields


@staff_required
@require_http_methods(["GET", "POST"])
def alert_edit(request, pk):
    permissions.draft_check(request.user)
    alert = get_object_or_404(selectors.alerts_visible_to(request.user), pk=pk, state=State.DRAFT)
    form = AlertForm(request.POST or None, initial=_initial_from(alert))
    if request.method == "POST" and form_save(
        form,
        lambda cd: services.alert_edit(actor=request.user, alert_id=alert.pk, areas=cd["areas"], **form.content()),
    ):
        messages.success(request, _("Draf diperbarui."))
        return redirect("warnings:desk_detail", pk=alert.pk)
    return render(request, "warnings/desk/form.html", _context(request, form=form, mode="edit", alert=alert))


@staff_required
@require_http_methods(["GET", "POST"])
def alert_update(request, pk):
    """Draft an Update of a published warning, starting from its content."""
    permissions.draft_check(request.user)
    original = get_object_or_404(selectors.alerts_visible_to(request.user), pk=pk)
    if original.state != State.PUBLISHED or original.msg_type == MsgType.CANCEL:
        messages.error(request, _("Hanya peringatan yang sedang terbit yang dapat diperbarui."))
        return redirect("warnings:desk_detail", pk=original.pk)
    form = AlertForm(request.POST or None, initial=_initial_from(original))
    if request.method == "POST" and (
        alert := form_save(
            form,
            lambda cd: services.alert_create(
                actor=request.user, areas=cd["areas"], msg_type=MsgType.UPDATE, references=original, **form.content()
            ),
        )
    ):
        messages.success(request, _("Draf pembaruan tersimpan; terbit setelah disetujui orang kedua."))
        return redirect("warnings:desk_detail", pk=alert.pk)
    return render(request, "warnings/desk/form.html", _context(request, form=form, mode="update", alert=original))


@staff_required
@require_GET
def alert_detail(request, pk):
    alert = get_object_or_404(
        selectors.alerts_visible_to(request.user).prefetch_related("areas__desa__kecamatan", "areas__kecamatan"), pk=pk
    )
    if alert.cap_xml:
        document, errors = alert.cap_xml.encode("utf-8"), []
    else:
        document = build_cap(alert, status="Draft")
        errors = validation_errors(document)
    user = request.user
    is_author = permissions.is_author(user, alert)
    return render(
        request,
        "warnings/desk/detail.html",
        _context(
            request,
            alert=alert,
            events=alert.events.select_related("actor"),
            areas_geojson=areas_geojson(alert_areas(alert)),
            bbox=region.bbox(),
            cap_text=pretty(document),
            cap_errors=errors,
            # A token of the real length, so the character count is the real one.
            sms=sms_text(alert, unsubscribe=unsubscribe_url("X" * 43)),
            progress=delivery_progress(alert) if alert.state != State.DRAFT else None,
            followups=alert.followups.order_by("created_at"),
            is_author=is_author,
            can_publish=alert.state == State.DRAFT and permissions.can_publish_any(user) and not is_author,
            publisher_role=permissions.can_publish_any(user),
            can_edit=alert.state == State.DRAFT and permissions.can_draft(user),
            can_update=alert.state == State.PUBLISHED
            and alert.msg_type != MsgType.CANCEL
            and permissions.can_draft(user),
            can_cancel=alert.state == State.PUBLISHED
            and alert.msg_type != MsgType.CANCEL
            and permissions.can_cancel(user),
            cancel_form=CancelForm(),
        ),
    )


@staff_required
@require_POST
def alert_publish(request, pk):
    permissions.publish_check(request.user)
    alert = get_object_or_404(selectors.alerts_visible_to(request.user), pk=pk)
    try:
        services.alert_publish(actor=request.user, alert_id=alert.pk, ip=client_ip(request))
    except permissions.FourEyesViolation as exc:
        messages.error(request, str(exc))
        return redirect("warnings:desk_detail", pk=alert.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("warnings:desk_detail", pk=alert.pk)
    messages.success(request, _("Peringatan terbit dan sedang dikirim ke pelanggan di wilayahnya."))
    return redirect("warnings:desk_detail", pk=alert.pk)


@staff_required
@require_POST
def alert_cancel(request, pk):
    permissions.cancel_check(request.user)
    alert = get_object_or_404(selectors.alerts_visible_to(request.user), pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("warnings:desk_detail", pk=alert.pk)
    try:
        cancel = services.alert_cancel(actor=request.user, alert_id=alert.pk, ip=client_ip(request), **form.reasons())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("warnings:desk_detail", pk=alert.pk)
    if cancel.state == State.DRAFT:
        messages.success(
            request,
            _(
                "Permintaan pembatalan tersimpan. Karena alasannya Anda tulis sendiri, pembatalan terbit setelah "
                "koordinator atau Tim Efektif (bukan Anda) menyetujuinya; mereka sudah diberi tahu. Sampai itu, "
                "peringatan tetap berlaku."
            ),
        )
    else:
        messages.success(request, _("Peringatan dibatalkan; pemberitahuan pembatalan dikirim ke pelanggan."))
    return redirect("warnings:desk_detail", pk=cancel.pk)
