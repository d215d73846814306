"""The Tim Efektif's data-entry pages: targets, budgets, activities, the quarterly
quality checklist, the action plan, evidence files and the reference list of
services. Pimpinan reads them; only the Tim Efektif writes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitaaman.form_errors import form_save

from .. import selectors, services
from ..calculations import make_period
from ..figures import budget_figures
from ..forms import ActivityForm, AssessmentHeaderForm, AssessmentPickForm, BudgetForm, MilestoneForm, TargetForm
from ..models import Activity, Milestone, PeriodAssessment, QualityCheck, Service, SpmSettings, Target
from ..permissions import can_enter_data
from ..rollup import fire_standard_minutes
from .access import require_writer, spm_viewer_required

# --- Targets ---------------------------------------------------------------------------


def _year_param(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except (TypeError, ValueError):
        return timezone.localdate().year


def _yearly_figures_page(request, *, form_class, save, created, replaced, url_name, template, rows, initial=None):
    """A page of figures kept per year (targets, budgets): the Tim Efektif saves
    one row at a time through `save(cleaned_data) -> (row, created)`, and saving
    the same key replaces the figures (`replaced` says so); everyone with the
    dashboard reads the year's `rows(year)`."""
    writer = can_enter_data(request.user)
    if request.method == "POST":
        require_writer(request)
        form = form_class(request.POST)
        saved = form_save(form, save)
        if saved:
            row, was_created = saved
            messages.success(request, created if was_created else replaced)
            return redirect(f"{reverse(url_name)}?year={row.year}")
    elif writer:
        form = form_class(initial={"year": _year_param(request), **(initial or {})})
    else:
        form = None
    year = _year_param(request)
    return render(request, template, {"form": form, "rows": rows(year), "year": year, "can_enter_data": writer})


@spm_viewer_required
def targets(request):
    return _yearly_figures_page(
        request,
        form_class=TargetForm,
        save=lambda cd: services.target_save(
            actor=request.user,
            service=cd["service"].code,
            year=cd["year"],
            kecamatan=cd["kecamatan"].code if cd["kecamatan"] else None,
            hazard=cd["hazard"],
            value=cd["value"],
            note=cd["note"],
        ),
        created=_("Sasaran disimpan."),
        replaced=_("Sasaran yang sama sudah ada; nilainya diganti."),
        url_name="spm:targets",
        template="spm/targets.html",
        rows=lambda year: selectors.targets_list(year=year),
    )


@spm_viewer_required
@require_POST
def target_delete(request, pk):
    require_writer(request)
    target = get_object_or_404(Target, pk=pk)
    year = target.year
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("Sasaran dihapus."))
    return redirect(f"{reverse('spm:targets')}?year={year}")


# --- Budgets ---------------------------------------------------------------------------


@spm_viewer_required
def budgets(request):
    """Pagu and realisasi per service and year, entered like the targets:
    saving the same service and year replaces the figures."""

    def rows(year):
        stored = {b.service.code: b for b in selectors.budgets_list(year=year)}
        return [{"figure": f, "budget": stored.get(f.extra["service"])} for f in budget_figures(year)]

    return _yearly_figures_page(
        request,
        form_class=BudgetForm,
        # The form's fields are the service's arguments.
        save=lambda cd: services.budget_save(actor=request.user, **cd),
        created=_("Anggaran disimpan."),
        replaced=_("Anggaran layanan ini untuk tahun itu sudah ada; angkanya diganti."),
        url_name="spm:budgets",
        template="spm/budgets.html",
        rows=rows,
        # The e-SPM completeness page links here naming the service to fill.
        initial={"service": request.GET["service"]} if request.GET.get("service") else None,
    )


# --- Activities ------------------------------------------------------------------------


@spm_viewer_required
def activities(request):
    writer = can_enter_data(request.user)
    form = None
    if request.method == "POST":
        require_writer(request)
        form = ActivityForm(request.POST, request.FILES)
        saved = form_save(
            form,
            lambda cd: services.activity_create(
                actor=request.user,
                service=cd["service"].code,
                date_value=cd["date"],
                desa=cd["desa"].code,
                hazard=cd["hazard"],
                kind=cd["kind"],
                people_reached=cd["people_reached"],
                description=cd["description"],
                evidence=cd.get("evidence"),
            ),
        )
        if saved:
            messages.success(request, _("Kegiatan dicatat."))
            return redirect("spm:activities")
    elif writer:
        form = ActivityForm(
            initial={"date": timezone.localdate(), "service": request.GET.get("service") or "info-bencana"}
        )
    year = request.GET.get("year", "")
    qs = selectors.activities_list(
        year=int(year) if year.isdecimal() else None,
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
    require_writer(request)
    activity = get_object_or_404(Activity, pk=pk)
    services.activity_delete(actor=request.user, activity=activity)
    messages.success(request, _("Kegiatan dihapus."))
    return redirect("spm:activities")


# --- Quality checklist ---------------------------------------------------------------


def _quality_pick(request):
    """The service and quarter asked for (this quarter of ketenteraman dan ketertiban umum by default)."""
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    default = {"service": "tibum", "year": today.year, "quarter": (today.month - 1) // 3 + 1, "kecamatan": ""}
    pick = AssessmentPickForm({name: source.get(name) or value for name, value in default.items()})
    if not pick.is_valid():
        messages.error(request, _("Layanan, tahun, atau triwulan tidak valid."))
        pick = AssessmentPickForm(default)
        pick.is_valid()
    return pick


def _quality_rows(request, items, checks, errors) -> list[dict]:
    """One row per quality standard: what was posted, else what is stored."""
    posted = request.method == "POST"
    rows = []
    for item in items:
        check = checks.get(item.pk)
        rows.append(
            {
                "item": item,
                "check": check,
                "met": request.POST.get(f"met_{item.pk}") == "on" if posted else bool(check and check.met),
                "note": request.POST.get(f"note_{item.pk}", "") if posted else (check.note if check else ""),
                "errors": errors.get(f"note_{item.pk}", []) + errors.get(f"evidence_{item.pk}", []),
            }
        )
    return rows


def _quality_score(items, checks, assessment):
    total = sum(i.weight for i in items)
    if not (total and assessment):
        return None
    return round(sum(i.weight for i in items if checks.get(i.pk) and checks[i.pk].met) * 100 / total, 2)


@spm_viewer_required
def quality(request):
    pick = _quality_pick(request)
    service, year, quarter = pick.cleaned_data["service"], pick.cleaned_data["year"], pick.cleaned_data["quarter"]
    kecamatan = pick.cleaned_data["kecamatan"]
    assessment = PeriodAssessment.objects.filter(
        service=service, year=year, quarter=quarter, kecamatan=kecamatan
    ).first()
    checks = {c.item_id: c for c in QualityCheck.objects.filter(assessment=assessment)} if assessment else {}
    items = list(service.quality_items.filter(active=True))
    errors = {}
    if request.method == "POST":
        require_writer(request)
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
                services.assessment_save(actor=request.user, checks=data, **pick.cleaned_data, **header.cleaned_data)
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("Penilaian mutu disimpan."))
                query = urlencode(
                    {
                        "service": service.code,
                        "year": year,
                        "quarter": quarter,
                        "kecamatan": kecamatan.pk if kecamatan else "",
                    }
                )
                return redirect(f"{reverse('spm:quality')}?{query}")
    else:
        initial = {name: getattr(assessment, name) for name in AssessmentHeaderForm.base_fields} if assessment else None
        header = AssessmentHeaderForm(initial=initial)
    return render(
        request,
        "spm/quality.html",
        {
            "pick": pick,
            "period_label": make_period(year, quarter).label,
            "service": service,
            "year": year,
            "quarter": quarter,
            "kecamatan": kecamatan,
            "assessment": assessment,
            "rows": _quality_rows(request, items, checks, errors),
            "header": header,
            "can_enter_data": can_enter_data(request.user),
            "score": _quality_score(items, checks, assessment),
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
    require_writer(request)
    milestone = get_object_or_404(Milestone, pk=pk)
    if request.method == "POST":
        form = MilestoneForm(request.POST, request.FILES)
        if form_save(form, lambda cd: services.milestone_update(actor=request.user, milestone=milestone, **cd)):
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
    return render(
        request,
        "spm/services.html",
        {"rows": rows, "settings_row": SpmSettings.get(), "fire_minutes": fire_standard_minutes()},
    )
