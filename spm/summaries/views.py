from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kitaaman.access import role_required

from .display import period_label, summary_display
from .models import Kind
from .permissions import can_view_summaries
from .selectors import summaries_visible_to

summary_reader_required = role_required(
    can_view_summaries, who=gettext_lazy("pimpinan (Asisten I) dan Tim Efektif SPM")
)


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
    for summary in page.object_list:
        # Worded in the reader's language (the stored label is Indonesian).
        summary.display_label = period_label(summary)
    return render(
        request, "summaries/list.html", {"page": page, "kinds": Kind.choices, "kind": kind, "latest": qs.first()}
    )


@require_GET
@summary_reader_required
def summary_detail(request, pk):
    summary = get_object_or_404(summaries_visible_to(request.user), pk=pk)
    return render(request, "summaries/detail.html", {"summary": summary, "d": summary_display(summary)})


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
