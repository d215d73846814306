"""SPM dashboard (/dasbor/) and the Tim Efektif's data-entry pages.

Asisten I (pimpinan) and the Tim Efektif read every page; only the Tim
Efektif writes (pimpinan gets 403 on every form and POST). Figures come from
spm/calculations.py, which reads the aggregates, never the reports table.
"""

from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from incidents.models import Category, Kecamatan, SpmService, Status

from . import export, selectors, services
from .calculations import dashboard_figures, make_period, report_figures
from .charts import choropleth_svg, legend_items, trend_svg
from .forms import (
    ActivityForm,
    AssessmentHeaderForm,
    AssessmentPickForm,
    DashboardFilterForm,
    MilestoneForm,
    TargetForm,
)
from .models import Activity, Milestone, PeriodAssessment, QualityCheck, Service, Target
from .permissions import can_enter_data, can_view_dashboard

BAND_LABELS = {
    "hijau": gettext_lazy("Hijau: sesuai sasaran"),
    "kuning": gettext_lazy("Kuning: perlu perhatian"),
    "merah": gettext_lazy("Merah: jauh dari sasaran"),
    "abu": gettext_lazy("Belum ada sasaran"),
}


def spm_viewer_required(view):
    """Anonymous: to the login page. Signed in without pimpinan/tim_efektif: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _require_writer(request):
    if not can_enter_data(request.user):
        raise PermissionDenied


def _desk_url(**params) -> str:
    """The desk queue filtered like the figure (filter names of incidents/queue.py)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return _desk_base() + ("?" + urlencode(clean) if clean else "")


def _warnings_url(period, kecamatan=None) -> str:
    """The staff list of the early warnings counted in an info-bencana figure
    (published from 1 January to the end of the period)."""
    params = {"tahun": period.year, "sampai": period.end.isoformat()}
    if kecamatan:
        params["kecamatan"] = kecamatan
    return reverse("warnings:desk_list") + "?" + urlencode(params)


@lru_cache(maxsize=1)
def _desk_base() -> str:
    return reverse("desk:home")


def _period_from_request(request):
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    if "year" not in request.GET and "quarter" not in request.GET and "month" not in request.GET:
        data["quarter"] = str((today.month - 1) // 3 + 1)
    form = DashboardFilterForm(data)
    if form.is_valid():
        cd = form.cleaned_data
        return (
            form,
            make_period(cd["year"], cd.get("quarter"), cd.get("month")),
            cd.get("kecamatan"),
            cd.get("peta") or "tibum",
        )
    # Bad input: say so, show the current quarter.
    return form, make_period(today.year, (today.month - 1) // 3 + 1), None, "tibum"


def _fmt_pct(value):
    from django.utils.formats import number_format

    return "–" if value is None else f"{number_format(value, 1)} %"


@spm_viewer_required
def dashboard(request):
    form, period, kecamatan, peta = _period_from_request(request)
    kec_code = kecamatan.code if kecamatan else None
    data, trend_data = dashboard_figures(
        year=period.year, quarter=period.quarter, month=period.month, kecamatan=kec_code
    )
    figures = report_figures(year=period.year, quarter=period.quarter, month=period.month, kecamatan=kec_code)
    dates = {"created_after": period.start.isoformat(), "created_before": period.end.isoformat()}
    categories = {c.pk: c for c in Category.objects.all()}
    service_categories = {}
    for c in categories.values():
        if c.spm_service:
            service_categories.setdefault(c.spm_service, []).append(c)

    # Cards.
    for s in data["services"]:
        s["band_label"] = BAND_LABELS[s["band"]]
        cats = service_categories.get(s["code"], [])
        if s["source"] == "laporan":
            s["categories"] = [
                {"name": c.name, "href": _desk_url(category=c.code, kecamatan=kec_code, **dates)} for c in cats
            ]
            s["href"] = s["categories"][0]["href"] if len(cats) == 1 else "#kategori"
        else:
            s["href"] = (
                reverse("spm:activities")
                + "?"
                + urlencode(
                    {
                        k: v
                        for k, v in {"service": s["code"], "year": period.year, "kecamatan": kec_code or ""}.items()
                        if v
                    }
                )
            )
            s["targets_href"] = reverse("spm:targets") + f"?year={period.year}"
            if s["code"] == SpmService.INFO_BENCANA:
                s["warnings_href"] = _warnings_url(period, kec_code)

    # Kecamatan table and map.
    kec_rows = []
    populations = {}
    kec_list = list(Kecamatan.objects.values_list("code", "name", "population"))
    for code, name, population in kec_list:
        populations[code] = population
        if kec_code and code != kec_code:
            continue
        reports = figures["by_kecamatan"].get(code, 0)
        pop = populations.get(code)
        per_1000 = round(reports * 1000 / pop, 2) if pop else None
        cells = []
        for s in data["services"]:
            r = next((r for r in s["by_kecamatan"] if r["code"] == code), None)
            cells.append(
                {
                    "code": s["code"],
                    "capaian": r["capaian"] if r else None,
                    "band": r["band"] if r else "abu",
                    # The warnings behind an info-bencana figure.
                    "href": _warnings_url(period, code) if s["code"] == SpmService.INFO_BENCANA else None,
                }
            )
        kec_rows.append(
            {
                "code": code,
                "name": name,
                "reports": reports,
                "per_1000": per_1000,
                "cells": cells,
                "href": _desk_url(kecamatan=code, **dates),
            }
        )
    map_rows = []
    if peta == "laporan":
        values = [r["per_1000"] if r["per_1000"] is not None else r["reports"] for r in kec_rows]
        top = max(values) if values else 0
        for r, value in zip(kec_rows, values, strict=True):
            # Reports are not "good" or "bad": shaded by thirds of the highest value.
            shade = "q0" if not value else ("q3" if value > top * 2 / 3 else "q2" if value > top / 3 else "q1")
            label = f"{value} / 1.000" if r["per_1000"] is not None else _("%(n)s laporan") % {"n": r["reports"]}
            map_rows.append(
                {"code": r["code"], "name": r["name"], "value_label": label, "band": shade, "href": r["href"]}
            )
        map_title = (
            _("Laporan per 1.000 penduduk per kecamatan")
            if any(r["per_1000"] is not None for r in kec_rows)
            else _("Jumlah laporan per kecamatan (jumlah penduduk belum diisi)")
        )
    else:
        service = next((s for s in data["services"] if s["code"] == peta), data["services"][0])
        for r in service["by_kecamatan"]:
            if r["code"] is None:
                continue
            map_rows.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "band": r["band"],
                    "value_label": _fmt_pct(r["capaian"]) if r["capaian"] is not None else _("belum ada sasaran"),
                    "href": _desk_url(kecamatan=r["code"], **dates),
                }
            )
        map_title = _("Capaian %(name)s per kecamatan") % {"name": service["short_name"]}
    map_svg = choropleth_svg(map_rows, title=map_title)

    # Reports by category and status.
    statuses = list(Status)
    cat_rows = []
    for cat in sorted(categories.values(), key=lambda c: (c.sort_order, c.name)):
        counts = [figures["by_category_status"].get((cat.pk, s.value), 0) for s in statuses]
        if not any(counts):
            continue
        cat_rows.append(
            {
                "name": cat.name,
                "href": _desk_url(category=cat.code, kecamatan=kec_code, **dates),
                "cells": [
                    {"n": n, "href": _desk_url(category=cat.code, status=s.value, kecamatan=kec_code, **dates)}
                    for s, n in zip(statuses, counts, strict=True)
                ],
                "total": sum(counts),
            }
        )
    status_sum = {}
    for (_cat, status), n in figures["by_category_status"].items():
        status_sum[status] = status_sum.get(status, 0) + n
    status_totals = [
        {
            "n": status_sum.get(s.value, 0),
            "href": _desk_url(status=s.value, kecamatan=kec_code, **dates),
        }
        for s in statuses
    ]
    fire_top = max([b["count"] for b in figures["fire"]["buckets"]] or [0])
    for b in figures["fire"]["buckets"]:
        b["width"] = round(b["count"] * 100 / fire_top) if fire_top else 0

    milestones = selectors.milestones_list()
    done = sum(1 for m in milestones if m.status == Milestone.State.SELESAI)

    base_params = {
        "year": period.year,
        "quarter": period.quarter or "",
        "month": period.month or "",
        "kecamatan": kec_code or "",
    }
    map_links = [
        {
            "code": code,
            "label": label,
            "active": code == peta,
            "href": "?" + urlencode({**{k: v for k, v in base_params.items() if v}, "peta": code}) + "#peta",
        }
        for code, label in form.fields["peta"].choices
    ]
    # Plain option lists: Django's widget templates cost more than the figures.
    chosen = {"year": period.year, "quarter": period.quarter, "month": period.month, "kecamatan": kec_code}
    filter_selects = []
    for name in ("year", "quarter", "month"):
        field = form.fields[name]
        filter_selects.append(
            {
                "name": name,
                "label": field.label,
                "options": [(v, t, str(v) == str(chosen[name] or "")) for v, t in field.choices],
            }
        )
    filter_selects.append(
        {
            "name": "kecamatan",
            "label": form.fields["kecamatan"].label,
            "options": [("", _("Seluruh kabupaten"), not kec_code)]
            + [(code, name, code == kec_code) for code, name, _pop in kec_list],
        }
    )
    export_quarter = period.quarter or period.quarter_of_end
    return render(
        request,
        "spm/dashboard.html",
        {
            "form": form,
            "filter_selects": filter_selects,
            "period": period,
            "data": data,
            "figures": figures,
            "kecamatan": kecamatan,
            "trend_svg": trend_svg(
                trend_data,
                month_href=lambda m: (
                    "?" + urlencode({"year": period.year, "month": m, **({"kecamatan": kec_code} if kec_code else {})})
                ),
            ),
            "trend": trend_data,
            "legend": legend_items(trend_data),
            "map_svg": map_svg,
            "map_title": map_title,
            "map_links": map_links,
            "map_rows": map_rows,
            "kec_rows": kec_rows,
            "services": data["services"],
            "statuses": statuses,
            "cat_rows": cat_rows,
            "status_totals": status_totals,
            "period_href": _desk_url(kecamatan=kec_code, **dates),
            "overdue_href": _desk_url(overdue="1", status="terbuka", kecamatan=kec_code),
            "fire_href": _desk_url(category="kebakaran-permukiman", kecamatan=kec_code, **dates),
            "done_href": _desk_url(status="selesai", kecamatan=kec_code, **dates),
            "verified_href": _desk_url(kecamatan=kec_code, **dates),
            "milestones": milestones,
            "milestones_done": done,
            "milestones_pct": round(done * 100 / len(milestones)) if milestones else 0,
            "can_enter_data": can_enter_data(request.user),
            "export_year": period.year,
            "export_quarter": export_quarter,
            "now": timezone.now(),
        },
    )


# --- e-SPM export ----------------------------------------------------------------------


def _export_period(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
        make_period(year, quarter)
    except (TypeError, ValueError):
        return None
    return year, quarter


@spm_viewer_required
def export_xlsx(request):
    period = _export_period(request)
    if period is None:
        messages.error(request, _("Periode ekspor tidak valid: pilih tahun dan triwulan 1 sampai 4."))
        return redirect("spm:dashboard")
    content = export.espm_xlsx(year=period[0], quarter=period[1])
    services.export_record(actor=request.user, kind="xlsx", year=period[0], quarter=period[1], request=request)
    return export.download(
        content,
        f"e-SPM-Trantibumlinmas-{period[0]}-T{period[1]}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@spm_viewer_required
def export_csv(request):
    period = _export_period(request)
    if period is None:
        messages.error(request, _("Periode ekspor tidak valid: pilih tahun dan triwulan 1 sampai 4."))
        return redirect("spm:dashboard")
    content = export.espm_csv(year=period[0], quarter=period[1])
    services.export_record(actor=request.user, kind="csv", year=period[0], quarter=period[1], request=request)
    return export.download(content, f"e-SPM-Trantibumlinmas-{period[0]}-T{period[1]}.csv", "text/csv; charset=utf-8")


# --- Targets ---------------------------------------------------------------------------


def _apply_errors(form, exc: ValidationError):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@spm_viewer_required
def targets(request):
    writer = can_enter_data(request.user)
    if request.method == "POST":
        _require_writer(request)
        form = TargetForm(request.POST)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                target, created = services.target_save(
                    actor=request.user,
                    service=cd["service"].code,
                    year=cd["year"],
                    kecamatan=cd["kecamatan"].code if cd["kecamatan"] else None,
                    hazard=cd["hazard"],
                    value=cd["value"],
                    note=cd["note"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Sasaran disimpan.") if created else _("Sasaran yang sama sudah ada; nilainya diganti.")
                )
                return redirect(f"{reverse('spm:targets')}?year={cd['year']}")
    else:
        form = TargetForm(initial={"year": request.GET.get("year") or timezone.localdate().year}) if writer else None
    year = request.GET.get("year") or timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = timezone.localdate().year
    rows = selectors.targets_list(year=year)
    return render(request, "spm/targets.html", {"form": form, "rows": rows, "year": year, "can_enter_data": writer})


@spm_viewer_required
@require_POST
def target_delete(request, pk):
    _require_writer(request)
    target = get_object_or_404(Target, pk=pk)
    year = target.year
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("Sasaran dihapus."))
    return redirect(f"{reverse('spm:targets')}?year={year}")


# --- Activities ------------------------------------------------------------------------


@spm_viewer_required
def activities(request):
    writer = can_enter_data(request.user)
    form = None
    if request.method == "POST":
        _require_writer(request)
        form = ActivityForm(request.POST, request.FILES)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.activity_create(
                    actor=request.user,
                    service=cd["service"].code,
                    date_value=cd["date"],
                    desa=cd["desa"].code,
                    hazard=cd["hazard"],
                    kind=cd["kind"],
                    people_reached=cd["people_reached"],
                    description=cd["description"],
                    evidence=cd.get("evidence"),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Kegiatan dicatat."))
                return redirect("spm:activities")
    elif writer:
        form = ActivityForm(
            initial={"date": timezone.localdate(), "service": request.GET.get("service") or "info-bencana"}
        )
    year = request.GET.get("year", "")
    qs = selectors.activities_list(
        year=int(year) if year.isdigit() else None,
        service=request.GET.get("service") or None,
        kecamatan=request.GET.get("kecamatan") or None,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "spm/activities.html", {"form": form, "page": page, "can_enter_data": writer, "filters": request.GET}
    )


@spm_viewer_required
@require_POST
def activity_delete(request, pk):
    _require_writer(request)
    activity = get_object_or_404(Activity, pk=pk)
    services.activity_delete(actor=request.user, activity=activity)
    messages.success(request, _("Kegiatan dihapus."))
    return redirect("spm:activities")


# --- Quality checklist ---------------------------------------------------------------


@spm_viewer_required
def quality(request):
    writer = can_enter_data(request.user)
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    pick = AssessmentPickForm(
        {
            "service": source.get("service") or "tibum",
            "year": source.get("year") or today.year,
            "quarter": source.get("quarter") or (today.month - 1) // 3 + 1,
        }
    )
    if not pick.is_valid():
        messages.error(request, _("Layanan, tahun, atau triwulan tidak valid."))
        pick = AssessmentPickForm({"service": "tibum", "year": today.year, "quarter": (today.month - 1) // 3 + 1})
        pick.is_valid()
    service, year, quarter = pick.cleaned_data["service"], pick.cleaned_data["year"], pick.cleaned_data["quarter"]
    assessment = PeriodAssessment.objects.filter(service=service, year=year, quarter=quarter).first()
    checks = {c.item_id: c for c in QualityCheck.objects.filter(assessment=assessment)} if assessment else {}
    items = list(service.quality_items.filter(active=True))
    errors = {}
    if request.method == "POST":
        _require_writer(request)
        header = AssessmentHeaderForm(request.POST)
        if header.is_valid():
            data = {
                item.pk: {
                    "met": request.POST.get(f"met_{item.pk}") == "on",
                    "note": request.POST.get(f"note_{item.pk}", ""),
                    "evidence": request.FILES.get(f"evidence_{item.pk}"),
                }
                for item in items
            }
            try:
                services.assessment_save(
                    actor=request.user, service=service, year=year, quarter=quarter, checks=data, **header.cleaned_data
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("Penilaian mutu disimpan."))
                return redirect(f"{reverse('spm:quality')}?service={service.code}&year={year}&quarter={quarter}")
    else:
        header = AssessmentHeaderForm(
            initial={name: getattr(assessment, name) for name in AssessmentHeaderForm.base_fields}
            if assessment
            else None
        )
    rows = []
    for item in items:
        check = checks.get(item.pk)
        rows.append(
            {
                "item": item,
                "check": check,
                "met": request.POST.get(f"met_{item.pk}") == "on"
                if request.method == "POST"
                else bool(check and check.met),
                "note": request.POST.get(f"note_{item.pk}", "")
                if request.method == "POST"
                else (check.note if check else ""),
                "errors": errors.get(f"note_{item.pk}", []) + errors.get(f"evidence_{item.pk}", []),
            }
        )
    total = sum(i.weight for i in items)
    score = (
        round(sum(i.weight for i in items if checks.get(i.pk) and checks[i.pk].met) * 100 / total, 2)
        if total and assessment
        else None
    )
    return render(
        request,
        "spm/quality.html",
        {
            "pick": pick,
            "period_label": make_period(year, quarter).label,
            "service": service,
            "year": year,
            "quarter": quarter,
            "assessment": assessment,
            "rows": rows,
            "header": header,
            "can_enter_data": writer,
            "score": score,
            "other_errors": [e for k, v in errors.items() if not k.startswith(("note_", "evidence_")) for e in v],
        },
    )


# --- Action plan ---------------------------------------------------------------------


@spm_viewer_required
def milestones(request):
    rows = selectors.milestones_list()
    return render(request, "spm/milestones.html", {"rows": rows, "can_enter_data": can_enter_data(request.user)})


@spm_viewer_required
def milestone_edit(request, pk):
    _require_writer(request)
    milestone = get_object_or_404(Milestone, pk=pk)
    if request.method == "POST":
        form = MilestoneForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.milestone_update(actor=request.user, milestone=milestone, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Rencana aksi diperbarui."))
                return redirect("spm:milestones")
    else:
        form = MilestoneForm(
            initial={
                "owner": milestone.owner,
                "due_date": milestone.due_date,
                "status": milestone.status,
                "completed_on": milestone.completed_on,
                "evidence_note": milestone.evidence_note,
            }
        )
    return render(request, "spm/milestone_edit.html", {"form": form, "milestone": milestone})


# --- Evidence files --------------------------------------------------------------------

EVIDENCE_MODELS = {"kegiatan": Activity, "mutu": QualityCheck, "rencana-aksi": Milestone}


@spm_viewer_required
def evidence(request, kind, pk):
    model = EVIDENCE_MODELS.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    if not obj.evidence:
        raise Http404
    ext = "pdf" if obj.evidence_content_type == "application/pdf" else "jpg"
    response = FileResponse(
        obj.evidence.open("rb"),
        content_type=obj.evidence_content_type or "application/octet-stream",
        as_attachment=ext == "pdf",
        filename=f"bukti-{kind}-{pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@spm_viewer_required
def service_list(request):
    """Reference data: services, recipients, quality standards and weights."""
    rows = Service.objects.prefetch_related("quality_items")
    from .models import SpmSettings

    return render(request, "spm/services.html", {"rows": rows, "settings_row": SpmSettings.get()})
