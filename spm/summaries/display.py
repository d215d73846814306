"""A summary's stored figures written for a reader in the active language:
the page, the PDF and the e-mail all show these rows.

The figures are stored once, in numbers and codes (statuses, categories,
services, reasons, ISO times); names and words are looked up here, so an
English reader gets English statuses and month abbreviations from the same
stored revision. Summaries stored before a code was kept fall back to the
stored Indonesian text.

Dates in the document are written out (5 Desember 2026); the title says what
the document is and for which period, the same on the page, the PDF and the
e-mail subject.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from incidents.models import Category, Status
from kitaaman.localized import localized
from spm.charts import choropleth_svg, legend_items, legend_svg, trend_svg
from spm.data_health import data_gaps
from spm.figures import Figure
from spm.formatting import (
    DASH,
    fmt_datetime_long,
    fmt_duration,
    fmt_int,
    fmt_minutes,
    fmt_number,
    fmt_pct,
    month_name,
    month_short,
)
from spm.legal import document_record, legal_basis, signature_blocks
from spm.models import Milestone, Service
from spm.population.models import DEMO_SOURCE

from .attention import attention_items, overdue_when
from .figures import reason_text
from .models import Kind
from .periods import PeriodError, parse_period


def kind_title(kind: str) -> str:
    return {
        Kind.WEEKLY: _("Ringkasan Mingguan"),
        Kind.MONTHLY: _("Ringkasan Bulanan"),
        Kind.QUARTERLY: _("Ringkasan Triwulanan"),
    }.get(kind, _("Ringkasan"))


def _period_part(summary, part: str, fallback: str) -> str:
    """The `part` (label, name, dates) of the summary's period; `fallback` when its key no longer parses."""
    try:
        return getattr(parse_period(summary.period_key), part)
    except PeriodError:
        return fallback


def period_label(summary) -> str:
    return _period_part(summary, "label", summary.label)


def document_title(summary) -> str:
    """Ringkasan Kepatuhan SPM Trantibumlinmas — Triwulan III 2026"""
    period = _period_part(summary, "name", summary.label)
    return _("Ringkasan Kepatuhan SPM Trantibumlinmas — %(period)s") % {"period": period}


def period_dates(summary) -> str:
    return _period_part(summary, "dates", summary.period_key)


def provisional_note(summary) -> str:
    """Said on the page, the PDF and the e-mail of a summary made before its period ended."""
    if not summary.provisional:
        return ""
    return _("SEMENTARA: periode ini belum berakhir saat ringkasan dibuat; angka masih dapat berubah.")


def _status_label(item) -> str:
    code = item.get("status") or item.get("code")
    return str(Status(code).label) if code in Status.values else item.get("status_label") or item.get("name", "")


def _scope(summary) -> str:
    try:
        period = parse_period(summary.period_key)
    except PeriodError:
        return summary.figures.get("services_scope", "")
    if period.kind == Kind.WEEKLY:
        return _("%(month)s %(year)s (bulan berjalan)") % {
            "month": month_name(period.end.month),
            "year": period.end.year,
        }
    return period.label


def service_rows(figures) -> list[list[str]]:
    names = {s.code: s.display_name for s in Service.objects.all()}
    return [
        [
            names.get(s.get("code"), s.get("name", "")),
            fmt_int(s.get("must_serve")),
            fmt_int(s.get("served")),
            fmt_pct(s.get("capaian")),
            fmt_pct(s.get("quality")),
            fmt_pct(s.get("index")),
        ]
        for s in figures.get("services", [])
    ]


def service_level_rows(figures) -> list[list[str]]:
    labels = {"verify": _("Verifikasi"), "followup": _("Tindak lanjut (selesai)")}
    rows = []
    for key, label in labels.items():
        sl = figures.get("service_levels", {}).get(key, {})
        rows.append(
            [
                label,
                fmt_int(sl.get("on_time")),
                fmt_int(sl.get("late")),
                # One denominator, named: done, or past its deadline when the figures were computed.
                fmt_int(sl.get("denominator", (sl.get("on_time") or 0) + (sl.get("late") or 0))),
                fmt_pct(sl.get("share")),
            ]
        )
    return rows


def fire_rows(figures) -> list[list[str]]:
    fire = figures.get("fire_response", {})
    within = fmt_int(fire.get("within_standard"))
    if fire.get("share_within_standard") is not None:
        within += " " + _("(%(p)s dari laporan dengan waktu tiba)") % {"p": fmt_pct(fire.get("share_within_standard"))}

    def minutes(value):
        return DASH if value is None else fmt_minutes(value)

    return [
        [_("Laporan kebakaran"), fmt_int(fire.get("count"))],
        [_("Dengan waktu tiba di lokasi"), fmt_int(fire.get("with_arrival"))],
        [_("Belum mencatat waktu tiba"), fmt_int(fire.get("without_arrival"))],
        [_("Standar waktu tanggap"), pgettext("durasi", "%(n)s menit") % {"n": fmt_int(fire.get("standard_minutes"))}],
        [_("Tiba dalam standar"), within],
        [_("Median waktu tanggap"), minutes(fire.get("median_minutes"))],
        [_("Rata-rata waktu tanggap"), minutes(fire.get("average_minutes"))],
    ]


def _report(item, categories) -> dict:
    return {
        # Officers know a report by its tracking code; the internal id only builds the link.
        "code": item.get("tracking_code") or f"#{item['id']}",
        "href": reverse("desk:detail", args=[item["id"]]),
        "category": categories.get(item.get("category_code"), item.get("category", "")),
        "location": f"{item.get('desa', '')}, {item.get('kecamatan', '')}",
        "status": _status_label(item),
    }


def overdue_rows(figures, categories, limit: int | None = None) -> list[dict]:
    """Overdue reports, oldest deadline first, with who must act; days overdue
    are measured to the moment the figure is taken (a closed period's end)."""
    rows = []
    for item in figures.get("overdue", {}).get("items", [])[:limit]:
        hours = item["days_overdue"] * 24 if "days_overdue" in item else item.get("hours_overdue")
        rows.append(
            {
                **_report(item, categories),
                "due": fmt_datetime_long(item["due_at"]) if item.get("due_at") else item.get("due_display", ""),
                "overdue": fmt_duration(hours),
                "responsible": item.get("responsible", ""),
                "carried_over": item.get("carried_over", False),
            }
        )
    return rows


def notable_rows(figures, categories) -> list[dict]:
    rows = []
    for item in figures.get("notable", []):
        codes = item.get("reason_codes")
        rows.append(
            {
                **_report(item, categories),
                # When the report was received (older summaries stored only when it was entered).
                "received": fmt_datetime_long(item.get("reported_at") or item["created_at"])
                if item.get("reported_at") or item.get("created_at")
                else item["created_display"],
                "reasons": "; ".join(reason_text(c) for c in codes) if codes else "; ".join(item.get("reasons", [])),
            }
        )
    return rows


def correction_rows(figures, categories) -> list[dict]:
    """Reports of earlier periods entered after the previous summary was issued."""
    return [
        {
            **_report(item, categories),
            "received": fmt_datetime_long(item["reported_at"]),
            "entered": fmt_datetime_long(item["created_at"]),
        }
        for item in figures.get("corrections", {}).get("items", [])
        if "id" in item
    ]


def plan_rows(figures) -> list[dict]:
    states = dict(Milestone.State.choices)
    rows = []
    for p in figures.get("action_plans", {}).get("items", []):
        english = {"title": p.get("title_en"), "owner": p.get("owner_en")}
        rows.append(
            {
                "title": _localized(p["title"], english["title"]),
                "owner": _localized(p["owner"], english["owner"]),
                "status": str(states[p["status"]]) if p.get("status") in states else p.get("status_label", ""),
                "updated": fmt_datetime_long(p["updated_at"]) if p.get("updated_at") else p.get("updated_display", ""),
            }
        )
    return rows


def _localized(text, english):
    return localized({"text": text, "text_en": english or ""}, "text")


def kecamatan_rows(figures) -> list[dict]:
    rows = []
    for r in figures.get("by_kecamatan", []):
        rows.append(
            {
                "code": r["code"],
                "name": r["name"],
                "count": fmt_int(r["count"]),
                "population": fmt_int(r["population"]) if r.get("population") else DASH,
                "per_1000": fmt_number(r["per_1000"], 2) if r.get("per_1000") is not None else DASH,
            }
        )
    return rows


def population_note(figures) -> str:
    sources = sorted(
        {(r["population_source"], r["population_year"]) for r in figures.get("by_kecamatan", []) if r.get("population")}
    )
    if not sources:
        return _("Jumlah penduduk belum diisi: peta menunjukkan jumlah laporan.")
    note = _("Jumlah penduduk: %(sources)s.") % {"sources": "; ".join(f"{s} ({y})" for s, y in sources)}
    if any(s == DEMO_SOURCE for s, _y in sources):
        note += " " + _("Angka penduduk ini data demo, bukan angka resmi.")
    return note


def map_rows(figures) -> tuple[list[dict], str]:
    """The dashboard's report map: reports per 1.000 residents, or reports when no population is known."""
    rows = figures.get("by_kecamatan", [])
    with_rate = any(r.get("per_1000") is not None for r in rows)
    values = [(r.get("per_1000") if with_rate else r["count"]) or 0 for r in rows]
    top = max(values) if values else 0
    out = []
    for r, value in zip(rows, values, strict=True):
        shade = "q0" if not value else ("q3" if value > top * 2 / 3 else "q2" if value > top / 3 else "q1")
        if with_rate and r.get("per_1000") is not None:
            label = f"{fmt_number(r['per_1000'], 2)} / 1.000"
        else:
            label = ngettext("%(n)s laporan", "%(n)s laporan", r["count"]) % {"n": fmt_int(r["count"])}
        out.append({"code": r["code"], "name": r["name"], "value_label": label, "band": shade})
    title = _("Laporan per 1.000 penduduk per kecamatan") if with_rate else _("Jumlah laporan per kecamatan")
    return out, title


def charts(figures, *, interactive=True) -> dict:
    """The dashboard's trend chart and report map for this summary (none for summaries stored without a trend)."""
    out = {
        "trend": None,
        "trend_compact": None,
        "legend": [],
        "legend_svg": None,
        "map": None,
        "map_compact": None,
        "map_title": "",
    }
    trend = figures.get("trend")
    if trend:
        names = {s.code: s.display_short_name for s in Service.objects.all()}
        trend = {
            **trend,
            "months": [month_short(m) for m in range(1, 13)],
            "services": [{**s, "name": names.get(s["code"], s["name"])} for s in trend["services"]],
        }
        out["trend"] = trend_svg(trend, interactive=interactive, id_prefix="summary-trend")
        out["trend_compact"] = trend_svg(trend, compact=True, interactive=interactive, id_prefix="summary-trend-c")
        out["legend"] = legend_items(trend)
        out["legend_svg"] = legend_svg(trend)
    rows, title = map_rows(figures)
    out["map_title"] = title
    if rows:
        out["map"] = choropleth_svg(rows, title=title, interactive=interactive)
        out["map_compact"] = (
            choropleth_svg(rows, title=title, compact=True, interactive=interactive) if out["map"] else None
        )
    return out


def _figure_row(stored: dict, *, services: dict, when: str) -> dict:
    """A stored figure, labelled and written in the reader's language (the
    stored texts are the catalogue's message ids)."""
    values = {k: v for k, v in stored.items() if k != "label"}
    values["note"] = _(values["note"]) if values.get("note") else ""
    values["denominator_label"] = _(values["denominator_label"]) if values.get("denominator_label") else ""
    key = stored["key"]
    label = ""
    if key.startswith("spm_"):
        code = key[4:].rsplit("_", 1)[0].replace("_", "-")
        name = services.get(code, stored.get("label", ""))
        label = name if key.endswith("_achievement") else _("Indeks %(name)s") % {"name": name}
    elif key == "overdue_at_period_end":
        values["denominator_label"] = _("laporan terbuka %(when)s") % {"when": when}
    figure = Figure(**values, label=label)
    ratio = "" if stored.get("denominator") is None else figure.ratio_display
    return {**values, "label": figure.label, "display": figure.display, "ratio": ratio}


def summary_display(summary, *, interactive=True, with_charts=True) -> dict:
    f = summary.figures
    categories = {c.code: c.display_name for c in Category.objects.all()}
    totals = f.get("totals", {})
    when = overdue_when(f)
    # Summaries stored before the record was kept cite what is in force now.
    record = f.get("document") or document_record(on=summary.end_date)
    return {
        "title": document_title(summary),
        "kind": kind_title(summary.kind),
        "label": period_label(summary),
        "dates": period_dates(summary),
        "provisional_note": provisional_note(summary),
        "generated": fmt_datetime_long(f["generated_at"]) if f.get("generated_at") else f.get("generated_display", ""),
        "totals": {k: fmt_int(v) if isinstance(v, int) else v for k, v in totals.items()},
        "services_scope": _scope(summary),
        "services": service_rows(f),
        "service_levels": service_level_rows(f),
        "fire": fire_rows(f),
        "by_category": [(categories.get(r["code"], r["name"]), fmt_int(r["count"])) for r in f.get("by_category", [])],
        "by_status": [(_status_label(r), fmt_int(r["count"])) for r in f.get("by_status", [])],
        "by_kecamatan": kecamatan_rows(f),
        "population_note": population_note(f),
        "overdue_count": fmt_int(f.get("overdue", {}).get("count")),
        "overdue": overdue_rows(f, categories, limit=20),
        "overdue_groups": f.get("overdue", {}).get("groups", []),
        # Worded in the reader's language from the stored figures.
        "attention": attention_items(f, period_end=summary.end_date, gaps=data_gaps()) if f.get("period_info") else [],
        "figures": [
            _figure_row(fig, services={sv.code: sv.display_short_name for sv in Service.objects.all()}, when=when)
            for fig in f.get("figures", [])
        ],
        "period_info": f.get("period_info", {}),
        "notable": notable_rows(f, categories),
        "corrections": correction_rows(f, categories),
        "corrections_count": f.get("corrections", {}).get("count", 0),
        "plans_available": f.get("action_plans", {}).get("available", False),
        "plans": plan_rows(f),
        "charts": charts(f, interactive=interactive) if with_charts else None,
        "legal_basis": legal_basis(record),
        "signatures": signature_blocks(record),
    }
