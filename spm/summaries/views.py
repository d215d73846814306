from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kitaaman.access import role_required

from .models import Kind
from .permissions import can_view_summaries
from .render import fire_rows, fmt_int, fmt_num, fmt_pct, service_level_rows
from .selectors import summaries_visible_to

summary_reader_required = role_required(can_view_summaries)


@require_GET
@summary_reader_required
def summary_list(request):
    qs = summaries_visible_to(request.user)
    kind = request.GET.get("jenis", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(qs, 30).get_page(request.GET.get("halaman"))
    return render(
        request, "summaries/list.html", {"page": page, "kinds": Kind.choices, "kind": kind, "latest": qs.first()}
    )


@require_GET
@summary_reader_required
def summary_detail(request, pk):
    summary = get_object_or_404(summaries_visible_to(request.user), pk=pk)
    f = summary.figures
    totals = f.get("totals", {})
    services = [
        {
            **s,
            "must_display": fmt_int(s.get("must_serve")),
            "served_display": fmt_int(s.get("served")),
            "capaian_display": fmt_pct(s.get("capaian")),
            "quality_display": fmt_pct(s.get("quality")),
            "index_display": fmt_pct(s.get("index")),
        }
        for s in f.get("services", [])
    ]
    overdue = f.get("overdue", {})
    context = {
        "summary": summary,
        "f": f,
        "totals": {k: fmt_int(v) for k, v in totals.items()},
        "services": services,
        "service_levels": service_level_rows(f),
        "fire": fire_rows(f),
        "by_category": [(r["name"], fmt_int(r["count"])) for r in f.get("by_category", [])],
        "by_status": [(r["name"], fmt_int(r["count"])) for r in f.get("by_status", [])],
        "by_kecamatan": [(r["name"], fmt_int(r["count"])) for r in f.get("by_kecamatan", [])],
        "overdue_count": fmt_int(overdue.get("count")),
        "overdue_items": [{**i, "hours_display": fmt_num(i.get("hours_overdue"))} for i in overdue.get("items", [])],
        "notable": f.get("notable", []),
        "plans": f.get("action_plans", {}),
    }
    return render(request, "summaries/detail.html", context)


def _download(request, pk, field, content_type):
    summary = get_object_or_404(summaries_visible_to(request.user), pk=pk)
    stored = getattr(summary, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404
    name = f"ringkasan-{summary.kind}-{summary.period_key}-r{summary.revision}.{field}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@summary_reader_required
def summary_pdf(request, pk):
    return _download(request, pk, "pdf", "application/pdf")


@require_GET
@summary_reader_required
def summary_xlsx(request, pk):
    return _download(request, pk, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
