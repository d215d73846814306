"""Every figure on /dasbor/ agrees with the SPM API for the same period and
kecamatan, and the same thing shows the same value wherever it appears (card,
kecamatan table, map, trend table).

The page marks each figure with data-figure="<what>.<service>[.<kecamatan>]";
the test reads what a person sees in those elements, parses it back into a
number and compares it with the API's unrounded value rounded half up.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from incidents.models import Kecamatan
from spm.population.services import population_save
from spm.report_figures import report_total_from_raw
from tests.conftest import missing_service
from tests.factories import DESA_NIBUNG, DESA_RUPIT, NIBUNG, RUPIT
from tests.spm.conftest import at, seed_q1_2026

SERVICES = ("tibum", "info-bencana", "siaga-bencana", "evakuasi-bencana", "kebakaran")
MAPS = ("laporan", *SERVICES)
NO_TARGET = "belum ada sasaran"
POPULATION = {RUPIT: 41_250, NIBUNG: 27_900}


class FigureParser(HTMLParser):
    """{data-figure key: [visible text, ...]}"""

    def __init__(self):
        super().__init__()
        self.figures = defaultdict(list)
        self.stack = []

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-figure")
        self.stack.append([tag, key, []])

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, key, text = self.stack.pop()
            if key:
                self.figures[key].append(" ".join("".join(text).split()))
            if self.stack:
                self.stack[-1][2].extend(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)


def page_figures(client, **params) -> dict:
    response = client.get("/dasbor/", params)
    assert response.status_code == 200
    parser = FigureParser()
    parser.feed(response.content.decode())
    return parser.figures


def number(text: str):
    """What a person reads, as a number: '1.234' -> 1234, '99,7 %' -> 99.7, 'belum ada sasaran' -> None."""
    text = text.replace("\xa0", " ").replace("%", "").replace("menit", "").strip()
    if text in (NO_TARGET, "tidak ada kasus", "–", "belum dinilai"):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def shown(value, digits=1):
    return None if value is None else Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def api_get(user, path="/api/v1/spm/achievements/", **params):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def known(personas, spm_report):
    boundaries = settings.WILAYAH_DATA_DIR / "muratara_kecamatan_from_desa.geojson"
    if not boundaries.is_file():
        missing_service(f"reference boundaries not found at {boundaries} (set WILAYAH_DATA_DIR)")
    call_command("import_boundaries", str(boundaries), stdout=StringIO())
    seed_q1_2026(personas)
    # Something in the previous quarter, so the cards show a change.
    spm_report("ketertiban-umum", at(2025, 11, 3), must=10, served=9)
    spm_report("kebakaran-permukiman", at(2026, 2, 2), must=3, served=3, arrive_after=timedelta(minutes=9))
    # A figure that ends in ...,x5 after two decimals: truncation and half-up disagree.
    spm_report("ketertiban-umum", at(2026, 3, 20), must=286, served=285, desa=DESA_NIBUNG)
    for code, value in POPULATION.items():
        population_save(actor=personas.admin, code=code, year=2025, value=value, source="BPS Musi Rawas Utara")
    return personas


def assert_one_value_per_figure(figures):
    for key, texts in figures.items():
        assert len(set(texts)) == 1, f"{key} shows {texts}"


@pytest.mark.django_db
@pytest.mark.parametrize("kecamatan", [None, RUPIT])
def test_every_figure_on_the_dashboard_agrees_with_the_api(client, known, kecamatan):
    client.force_login(known.pimpinan)
    params = {"year": 2026, "quarter": 1, **({"kecamatan": kecamatan} if kecamatan else {})}
    api = api_get(known.pimpinan, **params)
    services = {s["code"]: s for s in api["services"]}
    seen = defaultdict(list)
    for peta in MAPS:
        figures = page_figures(client, peta=peta, **params)
        assert_one_value_per_figure(figures)
        for key, texts in figures.items():
            seen[key] += texts
    assert_one_value_per_figure(seen)
    checked = set()

    def check(key, expected, digits=1):
        assert key in seen, f"{key} is not on the page"
        got = number(seen[key][0])
        want = expected if isinstance(expected, int) and digits == 0 else shown(expected, digits)
        assert got == want, f"{key}: page {seen[key][0]!r}, API {expected!r}"
        checked.add(key)

    kecamatan_codes = [kecamatan] if kecamatan else list(Kecamatan.objects.values_list("code", flat=True))
    for code, s in services.items():
        check(f"capaian.{code}", s["capaian"])
        check(f"served.{code}", s["served"], digits=0)
        check(f"must.{code}", s["must_serve"], digits=0)
        check(f"quality.{code}", s["quality"])
        if s["index"] is not None:
            check(f"index.{code}", s["index"])
        if s["change"] is not None:
            check(f"change.{code}", abs(s["change"]))
        rows = {r["code"]: r for r in s["by_kecamatan"]}
        for kec in kecamatan_codes:
            check(f"capaian.{code}.{kec}", rows[kec]["capaian"])
            check(f"map.{code}.{kec}", rows[kec]["capaian"])
        if not kecamatan:
            check(f"capaian.{code}.kabupaten", s["capaian"])
    # The trend table: each month as the API gives that month.
    today = date.today()
    for month in range(1, 13):
        month_params = {"year": 2026, "month": month, **({"kecamatan": kecamatan} if kecamatan else {})}
        month_api = {s["code"]: s for s in api_get(known.pimpinan, **month_params)["services"]}
        for code in SERVICES:
            future = (2026, month) > (today.year, today.month)
            check(f"trend.{code}.{month}", None if future else month_api[code]["capaian"])
    # Report counts, from the reports table itself.
    for kec in kecamatan_codes:
        check(f"reports.{kec}", report_total_from_raw(year=2026, quarter=1, kecamatan=kec), digits=0)
    if not kecamatan:
        check("reports.total", report_total_from_raw(year=2026, quarter=1), digits=0)
    for kec, population in POPULATION.items():
        if kec in kecamatan_codes:
            check(f"per1000.{kec}", report_total_from_raw(year=2026, quarter=1, kecamatan=kec) * 1000 / population, 2)
    # Every figure of the figures API that the page shows, with the value the API gives.
    figures_params = {"period": "2026-Q1", **({"kecamatan": kecamatan} if kecamatan else {})}
    for figure in api_get(known.pimpinan, path="/api/v1/spm/figures/", **figures_params)["figures"]:
        if figure["key"] in seen:
            digits = 0 if figure["unit"] == "laporan" else 1
            value = figure["value"]
            check(figure["key"], int(value) if digits == 0 and value is not None else value, digits)
    # Nothing on the page escaped the comparison.
    unchecked = {k for k in seen if not k.startswith("map.laporan.")} - checked
    assert not unchecked, sorted(unchecked)


@pytest.mark.django_db
def test_the_same_kecamatan_shows_the_same_value_in_the_map_and_the_table(client, known):
    client.force_login(known.pimpinan)
    figures = page_figures(client, year=2026, quarter=1, peta="tibum")
    # 285 of 286 = 99,65 %: the map once truncated it to 99,6 while the table rounded to 99,7.
    assert figures[f"map.tibum.{NIBUNG}"][0].replace("\xa0", " ") == "99,7 %"
    assert figures[f"capaian.tibum.{NIBUNG}"][0].replace("\xa0", " ") == "99,7 %"


@pytest.mark.django_db
def test_reports_per_1000_use_the_population_and_say_where_it_comes_from(client, known):
    client.force_login(known.pimpinan)
    response = client.get("/dasbor/", {"year": 2026, "quarter": 1, "peta": "laporan"})
    page = response.content.decode()
    figures = page_figures(client, year=2026, quarter=1, peta="laporan")
    rupit = report_total_from_raw(year=2026, quarter=1, kecamatan=RUPIT)
    expected = shown(rupit * 1000 / 41_250, 2)
    assert number(figures[f"per1000.{RUPIT}"][0]) == expected
    assert figures[f"map.laporan.{RUPIT}"][0] == f"{str(expected).replace('.', ',')} / 1.000"
    # Without a population figure the rate is not invented.
    assert "per1000.16.13.05" not in figures
    assert "BPS Musi Rawas Utara (2025)" in page
    assert "data demo" not in page


@pytest.mark.django_db
def test_a_kecamatan_lists_its_desa_with_their_population(client, known):
    population_save(actor=known.admin, code=DESA_RUPIT, year=2026, value=4_120, source="data demo")
    client.force_login(known.pimpinan)
    page = client.get("/dasbor/", {"year": 2026, "quarter": 1, "kecamatan": RUPIT}).content.decode()
    assert 'data-testid="desa-table"' in page and "Muara Rupit" in page and "4.120" in page
    assert "Angka penduduk ini data demo, bukan angka resmi." in page
