"""What /dasbor/ shows: the figures of spm.calculations and spm.report_figures,
each written once by spm.formatting, so the card, the kecamatan table, the map
and the trend show the same value for the same thing. Every figure carries a
key (the template's data-figure attribute) naming what it is, which is how a
test holds the page to the API.
"""

import html
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from incidents.models import Category, Desa, Kecamatan, SpmService, Status
from kitaaman import region

from . import selectors
from .calculations import dashboard_figures
from .charts import choropleth_svg, legend_items, trend_svgs
from .figures import FigurePeriod, period_figures, service_key
from .formatting import fmt_duration, fmt_int, fmt_number, fmt_pct, fmt_points
from .models import Milestone
from .population.models import DEMO_SOURCE
from .population.selectors import desa_population, sources_used
from .report_figures import reports_by_desa

BAND_LABELS = {
    "hijau": gettext_lazy("Hijau: sesuai sasaran"),
    "kuning": gettext_lazy("Kuning: perlu perhatian"),
    "merah": gettext_lazy("Merah: jauh dari sasaran"),
    "abu": gettext_lazy("Belum ada sasaran"),
}
FIRE_CATEGORY = "kebakaran-permukiman"


@lru_cache(maxsize=1)
def _desk_base() -> str:
    return reverse("desk:home")


@lru_cache(maxsize=4096)
def _query_pair(name: str, value) -> str:
    """One `name=value` of a query string, encoded as urlencode does."""
    return urlencode({name: value})


def desk_url(**params) -> str:
    """The desk queue filtered like the figure (filter names of incidents/queue.py).
    A page links a hundred filtered lists sharing a few values: each pair is
    encoded once."""
    query = "&".join(_query_pair(k, v) for k, v in params.items() if v not in (None, ""))
    return _desk_base() + ("?" + query if query else "")


@lru_cache(maxsize=1)
def _warnings_base() -> str:
    return reverse("warnings:desk_list")


def _warnings_url(period, kecamatan=None) -> str:
    """The staff list of the early warnings counted in an info-bencana figure
    (published from 1 January to the end of the period)."""
    params = {"tahun": period.year, "sampai": period.end.isoformat()}
    if kecamatan:
        params["kecamatan"] = kecamatan
    return _warnings_base() + "?" + urlencode(params)


def _per_1000(reports: int, population) -> float | None:
    return reports * 1000 / population.value if population else None


def _capaian_label(value, source="kegiatan") -> str:
    if value is None:
        return _("tidak ada kasus") if source == "laporan" else _("belum ada sasaran")
    return fmt_pct(min(value, 100.0))


# The long tables of the page (a cell per service, status or month in every
# row) are written here rather than by a template loop: a few hundred cells
# cost more in template nodes than every figure behind them. The markup is
# the same as the template wrote, each value escaped as the template escapes.


def esc(value) -> str:
    """conditional_escape, without the lazy-text wrapper of django.utils.html.escape."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _kecamatan_cells_html(cells) -> str:
    out = []
    for c in cells:
        muted = ' class="muted"' if c["capaian"] is None else ""
        if c["href"]:
            inner = f'<a data-figure="{esc(c["figure"])}"{muted} href="{esc(c["href"])}">{esc(c["display"])}</a>'
        else:
            inner = f'<span data-figure="{esc(c["figure"])}"{muted}>{esc(c["display"])}</span>'
        out.append(f'<td class="cell-{esc(c["band"])}" data-label="{esc(c["label"])}">{inner}</td>')
    return mark_safe("".join(out))


def _category_cells_html(cells) -> str:
    return mark_safe(
        "".join(
            f'<td><a href="{esc(c["href"])}">{esc(c["n"])}</a></td>'
            if c["n"]
            else '<td><span class="muted">0</span></td>'
            for c in cells
        )
    )


def _trend_cells_html(cells) -> str:
    return mark_safe("".join(f'<td data-figure="{esc(c["figure"])}">{esc(c["display"])}</td>' for c in cells))


def _options_html(options) -> str:
    return mark_safe(
        "".join(
            f'<option value="{esc(value)}"{" selected" if selected else ""}>{esc(text)}</option>'
            for value, text, selected in options
        )
    )


def _cards(services, *, period, kec_code, dates, figs, categories):
    by_service = {}
    for c in (c for c in categories if c.spm_service):
        by_service.setdefault(c.spm_service, []).append(c)
    quality_base = reverse("spm:quality")
    for s in services:
        figure = figs[service_key(s["code"])]
        s["figure"] = figure
        s["figure_key"] = figure.key
        s["change"] = figure.extra["change"]["value"]
        s["change_reason"] = figure.extra["change"]["reason"]
        s["band_label"] = str(BAND_LABELS[s["band"]])  # shown four times a card
        s["capaian_display"] = figure.display
        s["served_display"] = fmt_int(s["served"])
        s["must_display"] = fmt_int(s["must_serve"])
        s["quality_display"] = fmt_pct(s["quality"])
        s["index_display"] = fmt_pct(s["index"])
        s["change_display"] = fmt_points(s["change"])
        s["quality_href"] = f"{quality_base}?service={s['code']}&year={period.year}&quarter={period.quarter_of_end}"
        cats = by_service.get(s["code"], [])
        if s["source"] == "laporan":
            s["categories"] = [
                {"name": c.display_name, "href": desk_url(category=c.code, kecamatan=kec_code, **dates)} for c in cats
            ]
            s["href"] = s["categories"][0]["href"] if len(cats) == 1 else "#kategori"
        else:
            query = {"service": s["code"], "year": period.year, "kecamatan": kec_code or ""}
            s["href"] = reverse("spm:activities") + "?" + urlencode({k: v for k, v in query.items() if v})
            s["targets_href"] = reverse("spm:targets") + f"?year={period.year}"
            if s["code"] == SpmService.INFO_BENCANA:
                s["warnings_href"] = _warnings_url(period, kec_code)
                s["from_warnings_display"] = fmt_int(s.get("from_warnings") or 0)
    return services


def _kecamatan_rows(services, result, *, kec_list, kec_code, dates, period):
    """The kecamatan table: reports and per 1,000 residents as spm/figures.py gives them."""
    population = result.population
    per_kecamatan = {r["code"]: r for r in result.kecamatan_rows}
    rows = []
    for code, name in kec_list:
        if kec_code and code != kec_code:
            continue
        reports = result.counts["by_kecamatan"].get(code, 0)
        per_1000 = per_kecamatan[code]["per_1000"] if code in per_kecamatan else None
        cells = []
        for s in services:
            r = next((r for r in s["by_kecamatan"] if r["code"] == code), None)
            capaian = r["capaian"] if r else None
            cells.append(
                {
                    "code": s["code"],
                    "label": s["short_name"],  # a stacked row on a phone names its column
                    "capaian": capaian,
                    "display": _capaian_label(capaian, s["source"]),
                    "band": r["band"] if r else "abu",
                    "figure": f"capaian.{s['code']}.{code}",
                    # The warnings behind an info-bencana figure.
                    "href": _warnings_url(period, code) if s["code"] == SpmService.INFO_BENCANA else None,
                }
            )
        rows.append(
            {
                "code": code,
                "name": name,
                "reports": reports,
                "reports_display": fmt_int(reports),
                "population_display": fmt_int(population[code].value) if code in population else None,
                "per_1000": per_1000,
                "per_1000_display": fmt_number(per_1000, 2) if per_1000 is not None else None,
                "cells": cells,
                "cells_html": _kecamatan_cells_html(cells),
                "href": desk_url(kecamatan=code, **dates),
            }
        )
    return rows


def _map(peta, services, kec_rows, *, dates):
    rows = []
    if peta == "laporan":
        values = [r["per_1000"] if r["per_1000"] is not None else r["reports"] for r in kec_rows]
        top = max(values) if values else 0
        for r, value in zip(kec_rows, values, strict=True):
            # Reports are not "good" or "bad": shaded by thirds of the highest value.
            shade = "q0" if not value else ("q3" if value > top * 2 / 3 else "q2" if value > top / 3 else "q1")
            if r["per_1000"] is not None:
                label = f"{r['per_1000_display']} / 1.000"
            else:
                label = ngettext("%(n)s laporan", "%(n)s laporan", r["reports"]) % {"n": r["reports_display"]}
            rows.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "value_label": label,
                    "band": shade,
                    "href": r["href"],
                    "figure": f"map.laporan.{r['code']}",
                }
            )
        title = (
            _("Laporan per 1.000 penduduk per kecamatan")
            if any(r["per_1000"] is not None for r in kec_rows)
            else _("Jumlah laporan per kecamatan (jumlah penduduk belum diisi)")
        )
    else:
        service = next((s for s in services if s["code"] == peta), services[0])
        for r in service["by_kecamatan"]:
            if r["code"] is None:
                continue
            rows.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "band": r["band"],
                    "value_label": _capaian_label(r["capaian"], service["source"]),
                    "href": desk_url(kecamatan=r["code"], **dates),
                    "figure": f"map.{service['code']}.{r['code']}",
                }
            )
        title = _("Capaian %(name)s per kecamatan") % {"name": service["short_name"]}
    wide = choropleth_svg(rows, title=title)
    return {
        "rows": rows,
        "title": title,
        "svg": wide,
        "svg_compact": choropleth_svg(rows, title=title, compact=True) if wide else None,
    }


def _desa_rows(*, period, kecamatan, dates):
    counts = reports_by_desa(period=period, kecamatan=kecamatan)
    population = desa_population(kecamatan=kecamatan, year=period.year)
    rows = []
    for code, name in Desa.objects.filter(kecamatan_id=kecamatan).values_list("code", "name"):
        reports = counts.get(code, 0)
        per_1000 = _per_1000(reports, population.get(code))
        rows.append(
            {
                "code": code,
                "name": name,
                "reports_display": fmt_int(reports),
                "population_display": fmt_int(population[code].value) if code in population else None,
                "per_1000_display": fmt_number(per_1000, 2) if per_1000 is not None else None,
                "href": desk_url(desa=code, **dates),
            }
        )
    return rows, population


def _category_rows(figures, *, kec_code, dates, categories):
    statuses = list(Status)
    rows = []
    for cat in categories:
        counts = [figures["by_category_status"].get((cat.pk, s.value), 0) for s in statuses]
        if not any(counts):
            continue
        cells = [
            {
                "n": fmt_int(n) if n else None,
                "href": desk_url(category=cat.code, status=s.value, kecamatan=kec_code, **dates),
            }
            for s, n in zip(statuses, counts, strict=True)
        ]
        rows.append(
            {
                "name": cat.display_name,
                "href": desk_url(category=cat.code, kecamatan=kec_code, **dates),
                "cells": cells,
                "cells_html": _category_cells_html(cells),
                "total": fmt_int(sum(counts)),
            }
        )
    status_sum = {}
    for (_cat, status), n in figures["by_category_status"].items():
        status_sum[status] = status_sum.get(status, 0) + n
    totals = [
        {"n": fmt_int(status_sum.get(s.value, 0)), "href": desk_url(status=s.value, kecamatan=kec_code, **dates)}
        for s in statuses
    ]
    return statuses, rows, totals


def _service_level(level) -> dict:
    median = level["median_hours"]
    return {
        "median": ("> " if level["median_open_ended"] else "") + fmt_duration(median) if median is not None else None,
        "average": fmt_duration(level["average_hours"]) if level["average_hours"] is not None else None,
        "count": level["count"],
        "within": _("%(p)s dari %(n)s laporan dalam batas waktu")
        % {"p": fmt_pct(level["within_sla_pct"]), "n": fmt_int(level["count"])},
    }


def _fire(figures, data, figs):
    fire = figures["fire"]
    standard = data["fire_response_minutes"]
    top = max([b["count"] for b in fire["buckets"]] or [0])
    buckets = [
        {
            "label": (f"{b['from']}–{b['to']}" if b["to"] else f"> {b['from']}") + " " + _("menit"),
            "count": fmt_int(b["count"]),
            "width": round(b["count"] * 100 / top) if top else 0,
            "ok": bool(b["to"] and b["to"] <= standard),
        }
        for b in fire["buckets"]
    ]
    card = next((s for s in data["services"] if s["code"] == "kebakaran"), None)
    return {
        "count": fire["count"],
        "count_display": fmt_int(fire["count"]),
        "on_time_display": fmt_int(fire["on_time"]),
        "share": figs["fire_on_time_share"],
        "median": figs["fire_response_median_minutes"],
        "no_arrival": fire["no_arrival"],
        "arrived": fire["arrived"],
        "buckets": buckets,
        "standard": standard,
        "card": card,
    }


def _population_note(figures) -> dict | None:
    used = sources_used(figures)
    if not used:
        return None
    return {
        "sources": [{"source": u["source"], "years": ", ".join(str(y) for y in u["years"])} for u in used],
        "demo": any(u["source"] == DEMO_SOURCE for u in used),
    }


def dashboard_context(*, form, period, kecamatan, peta) -> dict:
    kec_code = kecamatan.code if kecamatan else None
    data, trend_data = dashboard_figures(
        year=period.year, quarter=period.quarter, month=period.month, kecamatan=kec_code
    )
    result = period_figures(FigurePeriod.of(period), kecamatan=kec_code, achievements_data=data)
    figs = result.by_key
    figures = result.counts
    dates = {"created_after": period.start.isoformat(), "created_before": period.end.isoformat()}
    categories = list(Category.objects.order_by("sort_order", "name"))
    services = _cards(data["services"], period=period, kec_code=kec_code, dates=dates, figs=figs, categories=categories)
    kec_list = _kecamatan_list(data, kec_code)
    population = result.population
    kec_rows = _kecamatan_rows(services, result, kec_list=kec_list, kec_code=kec_code, dates=dates, period=period)
    shown_population = [population[r["code"]] for r in kec_rows if r["code"] in population]
    desa_rows = []
    if kec_code:
        desa_rows, desa_pop = _desa_rows(period=period, kecamatan=kec_code, dates=dates)
        shown_population += list(desa_pop.values())
    statuses, cat_rows, status_totals = _category_rows(figures, kec_code=kec_code, dates=dates, categories=categories)
    milestones = selectors.milestones_list()
    done = sum(1 for m in milestones if m.status == Milestone.State.SELESAI)
    month_href = lambda m: (  # noqa: E731
        "?" + urlencode({"year": period.year, "month": m, **({"kecamatan": kec_code} if kec_code else {})})
    )
    for s in trend_data["services"]:
        s["cells"] = [
            {"display": fmt_number(v) if v is not None else "–", "figure": f"trend.{s['code']}.{m}"}
            for m, v in enumerate(s["values"], start=1)
        ]
        s["cells_html"] = _trend_cells_html(s["cells"])
    trend_wide, trend_compact = trend_svgs(trend_data, month_href=month_href, id_prefix="trend")
    return {
        "form": form,
        "filter_selects": _filter_selects(form, period=period, kec_code=kec_code, kec_list=kec_list),
        "map_links": _map_links(form, period=period, kec_code=kec_code, peta=peta),
        "period": period,
        "data": data,
        "figures": figures,
        "figs": figs,
        "period_info": result.period_dict(),
        "report_total": fmt_int(figures["total"]),
        "verify": _service_level(figures["verify"]),
        "finish": _service_level(figures["finish"]),
        "fire": _fire(figures, data, figs),
        "kecamatan": kecamatan,
        "trend": trend_data,
        "trend_svg": trend_wide,
        "trend_svg_compact": trend_compact,
        "legend": legend_items(trend_data),
        "map": _map(peta, services, kec_rows, dates=dates),
        "kec_rows": kec_rows,
        "desa_rows": desa_rows,
        "population_note": _population_note(shown_population),
        "services": services,
        "kabupaten_cells": [
            {
                "display": _capaian_label(s["capaian"], s["source"]),
                "band": s["band"],
                "label": s["short_name"],
                "figure": f"capaian.{s['code']}.kabupaten",
            }
            for s in services
        ],
        "statuses": statuses,
        "cat_rows": cat_rows,
        "status_totals": status_totals,
        "period_href": desk_url(kecamatan=kec_code, **dates),
        "overdue_href": desk_url(overdue="1", status="terbuka", kecamatan=kec_code),
        "fire_href": desk_url(category=FIRE_CATEGORY, kecamatan=kec_code, **dates),
        "done_href": desk_url(status="selesai", kecamatan=kec_code, **dates),
        "verified_href": desk_url(kecamatan=kec_code, **dates),
        "milestones": milestones,
        "milestones_done": done,
        "milestones_pct": round(done * 100 / len(milestones)) if milestones else 0,
        "export_year": period.year,
        "export_quarter": period.quarter or period.quarter_of_end,
    }


def _kecamatan_list(data, kec_code) -> list[tuple[str, str]]:
    """Every kecamatan (code, name): the achievements list them all unless filtered to one."""
    if not kec_code and data["services"]:
        return [(r["code"], r["name"]) for r in data["services"][0]["by_kecamatan"] if r["code"] is not None]
    return list(Kecamatan.objects.values_list("code", "name"))


def _map_links(form, *, period, kec_code, peta):
    base = {"year": period.year, "quarter": period.quarter or "", "month": period.month or "", "kecamatan": kec_code}
    base = {k: v for k, v in base.items() if v}
    return [
        {
            "code": code,
            "label": label,
            "active": code == peta,
            "href": "?" + urlencode({**base, "peta": code}) + "#peta",
        }
        for code, label in form.fields["peta"].choices
    ]


def _filter_selects(form, *, period, kec_code, kec_list):
    # Plain option lists: Django's widget templates cost more than the figures.
    chosen = {"year": period.year, "quarter": period.quarter, "month": period.month}
    selects = []
    for name in ("year", "quarter", "month"):
        field = form.fields[name]
        options = [(v, t, str(v) == str(chosen[name] or "")) for v, t in field.choices]
        selects.append({"name": name, "label": field.label, "options": options, "options_html": _options_html(options)})
    options = [("", region.for_kind(_("Seluruh kabupaten"), _("Seluruh kota")), not kec_code)] + [
        (code, name, code == kec_code) for code, name in kec_list
    ]
    selects.append(
        {
            "name": "kecamatan",
            "label": form.fields["kecamatan"].label,
            "options": options,
            "options_html": _options_html(options),
        }
    )
    return selects
