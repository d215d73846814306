"""Server-rendered SVG charts for the dashboard (no chart library, no CDN).

Every number is escaped through format_html; the output prints as vector
graphics on A4."""

import math
import threading

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# Colour plus a dash pattern and marker per service, so the lines stay
# distinguishable in black-and-white print and for colour-blind readers.
SERIES_STYLE = {
    "tibum": ("#0b5d3b", "", "circle"),
    "info-bencana": ("#1d4ed8", "6 3", "square"),
    "siaga-bencana": ("#b54708", "2 3", "diamond"),
    "evakuasi-bencana": ("#7c3aed", "10 4", "triangle"),
    "kebakaran": ("#b42318", "4 2 1 2", "circle-open"),
}
BAND_FILL = {
    "hijau": "#2e9d5b",
    "kuning": "#f2c94c",
    "merah": "#d9534f",
    "abu": "#d5dbdf",
    # Report density is not good or bad: a neutral sequential blue.
    "q0": "#eef2f7",
    "q1": "#bcd3f0",
    "q2": "#6f9fd8",
    "q3": "#2f5f9e",
}


def _fmt(value, digits=1):
    return number_format(value, digits)


def _marker(kind, x, y, colour):
    if kind == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', round(x - 3.5, 1), round(y - 3.5, 1), colour
        )
    if kind == "diamond":
        return format_html('<path d="M{} {}l4 4-4 4-4-4z" fill="{}"/>', round(x, 1), round(y - 4, 1), colour)
    if kind == "triangle":
        return format_html('<path d="M{} {}l4 7h-8z" fill="{}"/>', round(x, 1), round(y - 4, 1), colour)
    if kind == "circle-open":
        return format_html(
            '<circle cx="{}" cy="{}" r="3.5" fill="#fff" stroke="{}" stroke-width="2"/>',
            round(x, 1),
            round(y, 1),
            colour,
        )
    return format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"/>', round(x, 1), round(y, 1), colour)


def trend_svg(trend: dict, *, width=760, height=280, month_href=None) -> str:
    """Monthly capaian lines, 0-100 % (values above 100 % are drawn at the top edge)."""
    left, right, top, bottom = 44, 12, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    months = trend["months"]
    step = plot_w / (len(months) - 1)
    y_max = 100.0

    def y_of(value):
        return top + plot_h - min(value, y_max * 1.05) / y_max * plot_h

    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="trend-title trend-desc" '
            'preserveAspectRatio="xMidYMid meet">',
            width,
            height,
        ),
        format_html('<title id="trend-title">{}</title>', _("Tren capaian bulanan per layanan")),
        format_html(
            '<desc id="trend-desc">{}</desc>',
            _("Garis capaian (persen) tiap layanan SPM per bulan tahun %(year)s; tabel yang sama ada di bawah grafik.")
            % {"year": trend["year"]},
        ),
    ]
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid{}"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{} %</text>',
                left,
                width - right,
                round(y, 1),
                round(y, 1),
                " grid-target" if tick == 100 else "",
                left - 6,
                round(y + 4, 1),
                tick,
            )
        )
    for i, label in enumerate(months):
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                round(left + i * step, 1),
                height - 10,
                label,
            )
        )
    for series in trend["services"]:
        colour, dash, marker = SERIES_STYLE.get(series["code"], ("#333", "", "circle"))
        segments, current = [], []
        for i, value in enumerate(series["values"]):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append((left + i * step, y_of(value), value, months[i]))
        if current:
            segments.append(current)
        for seg in segments:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _m in seg)
            if len(seg) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.2" stroke-dasharray="{}"/>',
                        points,
                        colour,
                        dash,
                    )
                )
            for x, y, value, month in seg:
                point = format_html(
                    "<g>{}<title>{}: {} {} %</title></g>",
                    _marker(marker, x, y, colour),
                    series["name"],
                    month,
                    _fmt(value),
                )
                if month_href:
                    # The month's own dashboard: the list behind the point.
                    point = format_html('<a href="{}">{}</a>', month_href(months.index(month) + 1), point)
                parts.append(point)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def legend_items(trend: dict):
    out = []
    for series in trend["services"]:
        colour, dash, marker = SERIES_STYLE.get(series["code"], ("#333", "", "circle"))
        swatch = format_html(
            '<svg width="34" height="12" aria-hidden="true"><line x1="1" x2="33" y1="6" y2="6" stroke="{}" '
            'stroke-width="2.2" stroke-dasharray="{}"/>{}</svg>',
            colour,
            dash,
            _marker(marker, 17, 6, colour),
        )
        out.append({"code": series["code"], "name": series["name"], "swatch": swatch})
    return out


# --- kecamatan map ----------------------------------------------------------------

_lock = threading.Lock()
_cache = {"key": None, "paths": None}


def _project_rings(geometry, bbox, scale, kx):
    min_lng, min_lat, max_lng, max_lat = bbox

    def pt(lng, lat):
        return (lng - min_lng) * kx * scale, (max_lat - lat) * scale

    polys = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    d = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            coords = [pt(x, y) for x, y in ring.coords]
            if len(coords) < 3:
                continue
            d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in coords) + "Z")
    return "".join(d)


def kecamatan_shapes(width=640):
    """{code: {"d": path, "label_x", "label_y"}} and the viewBox height, from
    the imported kecamatan boundaries; None when none are imported.

    Projected once per process (equirectangular scaled by cos(latitude),
    which is exact enough for a kabupaten 90 km across)."""
    from shapely.geometry import shape

    from incidents.models import Kecamatan
    from incidents.reference.geo import _boundary_version

    # Only the codes on every view; the (large) polygons only when they changed.
    codes = tuple(Kecamatan.objects.filter(boundary__isnull=False).values_list("code", flat=True))
    if not codes:
        return None
    key = (codes, _boundary_version())
    if _cache["key"] == key:
        return _cache["paths"]
    with _lock:
        rows = Kecamatan.objects.filter(boundary__isnull=False).values_list("code", "name", "boundary")
        geoms, names = {}, {}
        for code, name, boundary in rows:
            names[code] = name
            try:
                geoms[code] = shape(boundary).simplify(0.002, preserve_topology=True)
            except Exception:
                continue
        if not geoms:
            return None
        min_lng = min(g.bounds[0] for g in geoms.values())
        min_lat = min(g.bounds[1] for g in geoms.values())
        max_lng = max(g.bounds[2] for g in geoms.values())
        max_lat = max(g.bounds[3] for g in geoms.values())
        kx = math.cos(math.radians((min_lat + max_lat) / 2))
        scale = width / ((max_lng - min_lng) * kx)
        height = (max_lat - min_lat) * scale
        bbox = (min_lng, min_lat, max_lng, max_lat)
        shapes = {}
        for code, geom in geoms.items():
            point = geom.representative_point()
            shapes[code] = {
                "name": names[code],
                "d": _project_rings(geom, bbox, scale, kx),
                "label_x": round((point.x - min_lng) * kx * scale, 1),
                "label_y": round((max_lat - point.y) * scale, 1),
            }
        result = {"shapes": shapes, "width": width, "height": round(height, 1)}
        _cache.update(key=key, paths=result)
    return result


def _placed_labels(labels):
    """Two-line labels, nudged down until they no longer overlap one already
    placed (the small kecamatan around Rupit sit close together)."""
    placed, out = [], []
    for x, y, row in sorted(labels, key=lambda item: (item[1], item[0])):
        w = max(len(row["name"]), len(row["value_label"])) * 6.2 + 6
        h = 28
        top = y - 11
        for _attempt in range(12):
            if not any(abs(x - px) < (w + pw) / 2 and top < pt + ph and pt < top + h for px, pt, pw, ph in placed):
                break
            top += 8
        placed.append((x, top, w, h))
        out.append(
            format_html(
                '<text x="{}" y="{}" class="map-label" text-anchor="middle">{}'
                '<tspan x="{}" dy="13" class="map-value">{}</tspan></text>',
                x,
                round(top + 11, 1),
                row["name"],
                x,
                row["value_label"],
            )
        )
    return out


def choropleth_svg(rows: list[dict], *, title: str) -> str | None:
    """rows: [{"code", "name", "value_label", "band", "href"}]; None without boundaries."""
    geo = kecamatan_shapes()
    if geo is None:
        return None
    by_code = {r["code"]: r for r in rows}
    pad = 8
    parts = [
        format_html(
            '<svg class="choropleth" viewBox="{} {} {} {}" role="img" aria-labelledby="map-title">'
            '<title id="map-title">{}</title>',
            -pad,
            -pad,
            geo["width"] + 2 * pad,
            geo["height"] + 2 * pad,
            title,
        )
    ]
    labels = []
    for code, shp in geo["shapes"].items():
        row = by_code.get(code)
        if row is None:
            # Outside the filter: drawn for orientation only.
            parts.append(
                format_html('<path d="{}" class="kec context"><title>{}</title></path>', shp["d"], shp["name"])
            )
            continue
        fill = BAND_FILL.get(row["band"], BAND_FILL["abu"])
        parts.append(
            format_html(
                '<a href="{}"><path d="{}" fill="{}" class="kec band-{}"><title>{}: {}</title></path></a>',
                row["href"],
                shp["d"],
                fill,
                row["band"],
                row["name"],
                row["value_label"],
            )
        )
        labels.append((shp["label_x"], shp["label_y"], row))
    parts.append(format_html_join("", "{}", ((label,) for label in _placed_labels(labels))))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))
