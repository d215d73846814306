"""Server-rendered SVG charts for the dashboard and the summaries (no chart
library, no CDN).

Every number is escaped through format_html and written by spm.formatting.
Colours, strokes and font sizes are presentation attributes on the elements,
so the same SVG draws alike on the page (where dasbor.css may refine it), in
a PDF (fpdf2 reads no stylesheet) and on paper. Each chart comes in a wide
form and a compact form for a 360 px phone, whose labels keep a readable size.
"""

import math
import threading
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .formatting import fmt_pct

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
TEXT = "#1b2127"
# Fills on which a label without a white halo is written in white.
DARK_FILLS = {"q3"}
GREY = "#56606a"
FONT = "DejaVu Sans, Verdana, sans-serif"


def _marker(kind, x, y, colour):
    # Numbers and the series' own colours only: nothing to escape.
    if kind == "square":
        return mark_safe(
            f'<rect x="{round(x - 3.5, 1)}" y="{round(y - 3.5, 1)}" width="7" height="7" fill="{colour}"/>'
        )
    if kind == "diamond":
        return mark_safe(f'<path d="M{round(x, 1)} {round(y - 4, 1)}l4 4-4 4-4-4z" fill="{colour}"/>')
    if kind == "triangle":
        return mark_safe(f'<path d="M{round(x, 1)} {round(y - 4, 1)}l4 7h-8z" fill="{colour}"/>')
    if kind == "circle-open":
        return mark_safe(
            f'<circle cx="{round(x, 1)}" cy="{round(y, 1)}" r="3.5" fill="#fff" stroke="{colour}" stroke-width="2"/>'
        )
    return mark_safe(f'<circle cx="{round(x, 1)}" cy="{round(y, 1)}" r="3.5" fill="{colour}"/>')


def trend_svg(trend: dict, *, compact=False, month_href=None, interactive=True, id_prefix="trend") -> str:
    """Monthly capaian lines, 0-100 % (values above 100 % are drawn at the top edge).

    compact: 340 units wide for a phone, every other month named.
    interactive: titles, description and links for the page; off for a PDF."""
    points = _point_texts(trend, month_href=month_href, interactive=interactive)
    return _trend_svg(trend, compact=compact, interactive=interactive, id_prefix=id_prefix, points=points)


def trend_svgs(trend: dict, *, month_href=None, interactive=True, id_prefix="trend") -> tuple[str, str]:
    """The wide and the compact chart of trend_svg (ids `id_prefix` and
    `id_prefix`-c): each point's title and link are written once for both."""
    points = _point_texts(trend, month_href=month_href, interactive=interactive)
    return (
        _trend_svg(trend, compact=False, interactive=interactive, id_prefix=id_prefix, points=points),
        _trend_svg(trend, compact=True, interactive=interactive, id_prefix=f"{id_prefix}-c", points=points),
    )


def _point_texts(trend: dict, *, month_href, interactive) -> dict:
    """{(series index, month index): (title, href)} of every point, escaped; empty for a PDF."""
    if not interactive:
        return {}
    months = [conditional_escape(m) for m in trend["months"]]
    hrefs = [conditional_escape(month_href(m + 1)) if month_href else None for m in range(len(months))]
    out = {}
    for i, series in enumerate(trend["services"]):
        name = conditional_escape(series["name"])
        for month, value in enumerate(series["values"]):
            if value is not None:
                out[(i, month)] = (f"{name}: {months[month]} {conditional_escape(fmt_pct(value))}", hrefs[month])
    return out


def _trend_svg(trend: dict, *, compact, interactive, id_prefix, points) -> str:
    # A compact chart is shown about 300 px wide: 13 units are 11 px on screen.
    width, height = (340, 240) if compact else (760, 280)
    left, right, top, bottom = (46, 10, 12, 30) if compact else (46, 12, 14, 30)
    frame = _Frame(
        width=width,
        height=height,
        font=13 if compact else 12,
        left=left,
        right=right,
        top=top,
        plot_h=height - top - bottom,
        step=(width - left - right) / (len(trend["months"]) - 1),
    )
    parts = [_svg_open(frame, compact=compact, interactive=interactive, id_prefix=id_prefix, year=trend["year"])]
    parts += _grid(frame, trend["months"], compact=compact)
    for i, series in enumerate(trend["services"]):
        parts += _series(frame, series, points={m: t for (s, m), t in points.items() if s == i})
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    font: int
    left: int
    right: int
    top: int
    plot_h: int
    step: float
    y_max: float = 100.0

    def y_of(self, value):
        return self.top + self.plot_h - min(value, self.y_max * 1.05) / self.y_max * self.plot_h


def _svg_open(frame: _Frame, *, compact, interactive, id_prefix, year) -> list:
    parts = [
        format_html(
            '<svg class="chart{}" viewBox="0 0 {} {}" width="{}" height="{}" font-family="{}"{} '
            'preserveAspectRatio="xMidYMid meet">',
            " chart-compact" if compact else " chart-wide",
            frame.width,
            frame.height,
            frame.width,
            frame.height,
            FONT,
            # "group", not "img": the points are links, and an image's content is not reachable.
            format_html(' role="group" aria-labelledby="{}-title" aria-describedby="{}-desc"', id_prefix, id_prefix)
            if interactive
            else "",
        )
    ]
    if interactive:
        parts += [
            format_html('<title id="{}-title">{}</title>', id_prefix, _("Tren capaian bulanan per layanan")),
            format_html(
                '<desc id="{}-desc">{}</desc>',
                id_prefix,
                _(
                    "Garis capaian (persen) tiap layanan SPM per bulan tahun %(year)s; "
                    "tabel yang sama ada di bawah grafik."
                )
                % {"year": year},
            ),
        ]
    return "".join(str(p) for p in parts)


def _grid(frame: _Frame, months, *, compact) -> list:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = round(frame.y_of(tick), 1)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"{}/>'
                '<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="end">{} %</text>',
                frame.left,
                frame.width - frame.right,
                y,
                y,
                "#9aa5ad" if tick == 100 else "#e3e8ec",
                mark_safe(' stroke-dasharray="4 3"') if tick == 100 else "",
                frame.left - 5,
                round(y + 4, 1),
                frame.font,
                GREY,
                tick,
            )
        )
    for i, label in enumerate(months):
        if compact and i % 2:
            continue
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="middle">{}</text>',
                round(frame.left + i * frame.step, 1),
                frame.height - 8,
                frame.font,
                GREY,
                label,
            )
        )
    return parts


def _series(frame: _Frame, series, *, points: dict) -> list:
    """One service's line: unbroken runs of months joined, each point marked;
    `points`: {month index: (title, href)} of _point_texts, empty for a PDF."""
    colour, dash, marker = SERIES_STYLE.get(series["code"], ("#333", "", "circle"))
    segments, current = [], []
    for i, value in enumerate(series["values"]):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((frame.left + i * frame.step, frame.y_of(value), value, i))
    if current:
        segments.append(current)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts = []
    for seg in segments:
        if len(seg) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _m in seg)
            parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.2"{dash_attr}/>')
        for x, y, _value, month in seg:
            point = _marker(marker, x, y, colour)
            if month in points:
                title, href = points[month]
                point = f"<g>{point}<title>{title}</title></g>"
                if href is not None:
                    # The month's own dashboard: the list behind the point.
                    point = f'<a href="{href}">{point}</a>'
            parts.append(point)
    return parts


def legend_svg(trend: dict, *, width=520) -> str:
    """The legend as a drawing, two entries a row, for a PDF (the page lists it as HTML)."""
    rows = math.ceil(len(trend["services"]) / 2)
    parts = [
        format_html(
            '<svg viewBox="0 0 {} {}" width="{}" height="{}" font-family="{}">',
            width,
            rows * 18 + 4,
            width,
            rows * 18 + 4,
            FONT,
        )
    ]
    for i, series in enumerate(trend["services"]):
        colour, dash, marker = SERIES_STYLE.get(series["code"], ("#333", "", "circle"))
        x, y = (i % 2) * width / 2, (i // 2) * 18 + 10
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.2"{}/>{}'
                '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                x + 2,
                x + 34,
                y,
                y,
                colour,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
                _marker(marker, x + 18, y, colour),
                x + 42,
                y + 4,
                TEXT,
                series["name"],
            )
        )
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
_cache = {}


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

    Projected once per process and width (equirectangular scaled by
    cos(latitude), which is exact enough for a kabupaten 90 km across)."""
    from shapely.geometry import shape

    from incidents.models import Kecamatan
    from incidents.reference.geo import _boundary_version

    # Only the codes on every view; the (large) polygons only when they changed.
    codes = tuple(Kecamatan.objects.filter(boundary__isnull=False).values_list("code", flat=True))
    if not codes:
        return None
    key = (codes, _boundary_version())
    cached = _cache.get(width)
    if cached and cached[0] == key:
        return cached[1]
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
        _cache[width] = (key, result)
    return result


def _placed_labels(labels, *, font, width, height, halo=True):
    """Two-line labels (name, value), moved down or up until they no longer
    overlap one already placed (the small kecamatan around Rupit sit close
    together), and kept inside the drawing."""
    placed, out = [], []
    char_w, line_h = font * 0.6, font + 2
    h = 2 * line_h + 2
    for x, y, row in sorted(labels, key=lambda item: (item[1], item[0])):
        w = max(len(row["name"]), len(row["value_label"])) * char_w + 6
        x = min(max(x, w / 2), width - w / 2)
        start = y - line_h
        top = start
        for attempt in range(25):
            offset = (attempt + 1) // 2 * line_h / 2 * (1 if attempt % 2 else -1)
            top = min(max(start + offset, 0), height - h)
            if not any(abs(x - px) < (w + pw) / 2 and top < pt + ph and pt < top + h for px, pt, pw, ph in placed):
                break
        placed.append((x, top, w, h))
        out.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" font-weight="700" fill="{}"{} text-anchor="middle" '
                'class="map-label">{}<tspan x="{}" dy="{}" font-weight="400" class="map-value"{}>{}</tspan></text>',
                round(x, 1),
                round(top + font, 1),
                font,
                "#fff" if not halo and row["band"] in DARK_FILLS else TEXT,
                # A white halo keeps labels legible on any fill; PDF renderers
                # without paint-order would paint it over the letters.
                mark_safe(' stroke="#fff" stroke-width="3" paint-order="stroke"') if halo else "",
                row["name"],
                round(x, 1),
                line_h,
                format_html(' data-figure="{}"', row["figure"]) if row.get("figure") else "",
                row["value_label"],
            )
        )
    return out


def choropleth_svg(rows: list[dict], *, title: str, compact=False, interactive=True) -> str | None:
    """rows: [{"code", "name", "value_label", "band", "href", "figure"}]; None without boundaries.

    compact: a map as wide as a phone, whose labels stay at 10 px on screen."""
    # A compact map is shown about 300 px wide: 12.5 units are 11 px on screen.
    width = 340 if compact else 640
    font = 12.5 if compact else 11
    geo = kecamatan_shapes(width)
    if geo is None:
        return None
    by_code = {r["code"]: r for r in rows}
    pad = 6 if compact else 8
    parts = [
        format_html(
            '<svg class="choropleth{}" viewBox="{} {} {} {}" width="{}" height="{}" font-family="{}"{}>',
            " choropleth-compact" if compact else " choropleth-wide",
            -pad,
            -pad,
            geo["width"] + 2 * pad,
            geo["height"] + 2 * pad,
            geo["width"] + 2 * pad,
            round(geo["height"] + 2 * pad, 1),
            FONT,
            format_html(' role="group" aria-label="{}"', title) if interactive else "",
        )
    ]
    if interactive:
        parts.append(format_html("<title>{}</title>", title))
    labels = []
    for code, shp in geo["shapes"].items():
        row = by_code.get(code)
        if row is None:
            # Outside the filter: drawn for orientation only.
            parts.append(
                format_html(
                    '<path d="{}" fill="#f1f3f4" stroke="#c9d0d5" stroke-width="1" class="kec context">{}</path>',
                    shp["d"],
                    format_html("<title>{}</title>", shp["name"]) if interactive else "",
                )
            )
            continue
        fill = BAND_FILL.get(row["band"], BAND_FILL["abu"])
        path = format_html(
            '<path d="{}" fill="{}" stroke="#fff" stroke-width="1.5" class="kec band-{}">{}</path>',
            shp["d"],
            fill,
            row["band"],
            format_html("<title>{}: {}</title>", row["name"], row["value_label"]) if interactive else "",
        )
        if interactive and row.get("href"):
            path = format_html('<a href="{}">{}</a>', row["href"], path)
        parts.append(path)
        labels.append((shp["label_x"], shp["label_y"], row))
    parts.append(
        format_html_join(
            "",
            "{}",
            (
                (label,)
                for label in _placed_labels(
                    labels, font=font, width=geo["width"], height=geo["height"], halo=interactive
                )
            ),
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))
