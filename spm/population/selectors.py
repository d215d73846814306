"""Which population figure applies to a period's year.

The figure of the latest year at or before the period's year; when there is
none, the earliest later one (a kabupaten often has last year's census
projection only). A kecamatan without its own figure counts as the sum of its
desa when every desa has one for the same year. The year and source used are
returned with the value, so the page can say what it divided by.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from incidents.models import Desa

from .models import Population


@dataclass(frozen=True)
class Figure:
    value: int
    year: int
    source: str


def _choose(by_year: dict, year: int):
    earlier = [y for y in by_year if y <= year]
    if earlier:
        return by_year[max(earlier)]
    later = [y for y in by_year if y > year]
    return by_year[min(later)] if later else None


def kecamatan_population(*, year: int) -> dict[str, Figure]:
    own = defaultdict(dict)
    by_desa = defaultdict(lambda: defaultdict(dict))
    for kec, desa, y, value, source in Population.objects.values_list(
        "kecamatan_id", "desa_id", "year", "value", "source"
    ):
        if desa is None:
            own[kec][y] = Figure(value, y, source)
        else:
            by_desa[kec][y][desa] = (value, source)
    desa_count = dict(Desa.objects.values("kecamatan_id").annotate(n=Count("code")).values_list("kecamatan_id", "n"))
    out = {}
    for kec in set(own) | set(by_desa):
        figure = _choose(own.get(kec, {}), year)
        if figure is None:
            complete = {
                y: Figure(sum(v for v, _s in rows.values()), y, "; ".join(sorted({s for _v, s in rows.values()})))
                for y, rows in by_desa[kec].items()
                if len(rows) == desa_count.get(kec)
            }
            figure = _choose(complete, year)
        if figure is not None:
            out[kec] = figure
    return out


def desa_population(*, kecamatan: str, year: int) -> dict[str, Figure]:
    by_desa = defaultdict(dict)
    for desa, y, value, source in Population.objects.filter(kecamatan_id=kecamatan, desa__isnull=False).values_list(
        "desa_id", "year", "value", "source"
    ):
        by_desa[desa][y] = Figure(value, y, source)
    return {code: figure for code, years in by_desa.items() if (figure := _choose(years, year)) is not None}


def sources_used(figures) -> list[dict]:
    """[{"source", "years"}] of the figures shown, for the note under a table."""
    years = defaultdict(set)
    for figure in figures:
        years[figure.source].add(figure.year)
    return [{"source": source, "years": sorted(ys)} for source, ys in sorted(years.items())]
