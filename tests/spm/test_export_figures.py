"""e-SPM export: every number in the XLSX and the CSV is the one
spm.figures.period_figures (and budget_figures) gives for the quarter, with the
"periksa data" cap, the notes, the kabupaten-wide quality, the late entries
and readable, distinct sheet names."""

import csv
import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from incidents.models import Incident
from spm import services
from spm.export import SHEET_TITLE_MAX, espm_title, service_sheet_titles, sheet_titles
from spm.figures import FigurePeriod, budget_figures, period_figures, service_key
from spm.models import Service
from spm.rollup import rebuild_stats
from tests import factories
from tests.spm.conftest import at, make_spm_report, seed_q1_2026

XLSX = "/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=1&confirm=1"
CSV = "/dasbor/ekspor/e-spm.csv?year=2026&quarter=1&confirm=1"


@pytest.fixture
def quarter(personas):
    """seed_q1_2026, plus achievements above 100 % and a report entered after the quarter."""
    seed_q1_2026(personas)
    tim = personas.tim_efektif
    # siaga-bencana: 25 reached against a target of 10 in Rupit: 250 %, shown as 100 % "periksa data".
    services.target_save(actor=tim, service="siaga-bencana", year=2026, kecamatan=factories.RUPIT, value=10)
    services.activity_create(
        actor=tim,
        service="siaga-bencana",
        date_value=date(2026, 3, 20),
        desa=factories.DESA_RUPIT,
        hazard="banjir",
        kind="gladi",
        people_reached=25,
        description="Gladi evakuasi banjir",
    )
    # Phoned in on 31 March 22:00, entered on 15 April: it belongs to the first quarter.
    late = make_spm_report(personas, "ketertiban-umum", at(2026, 4, 15), must=4, served=4, desa=factories.DESA_NIBUNG)
    Incident.objects.filter(pk=late.pk).update(reported_at=at(2026, 3, 31, 22, 0))
    rebuild_stats()
    services.budget_save(actor=tim, service="kebakaran", year=2026, pagu="400000000", realisasi="150000000")
    return period_figures(FigurePeriod.parse("2026-Q1"))


def _workbook(client, personas):
    client.force_login(personas.pimpinan)
    response = client.get(XLSX)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _rows(ws):
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _blank(value):
    return "" if value is None else value


@pytest.mark.django_db
def test_summary_sheet_lists_every_figure_of_the_quarter(client, personas, quarter):
    wb = _workbook(client, personas)
    rows = _rows(wb["Ringkasan"])
    assert rows[0][0] == "Data capaian SPM Trantibumlinmas Triwulan I 2026 untuk pengisian e-SPM"
    assert "Paket" not in rows[0][0]
    text = [c for r in rows for c in r if isinstance(c, str)]
    assert "Final: triwulan sudah berakhir" in text
    assert quarter["reports_entered_late"].value == 1
    assert "Revisi: 1 laporan periode ini dimasukkan setelah triwulan berakhir" in text
    by_key = {r[0]: r for r in rows if r[0] in quarter.by_key}
    assert set(by_key) == set(quarter.by_key)
    for f in quarter.figures:
        key, label, value, _unit, numerator, denominator, denominator_label, note = by_key[f.key][:8]
        assert (label, _blank(value), _blank(numerator), _blank(denominator)) == (
            f.label,
            _blank(f.value),
            _blank(f.numerator),
            _blank(f.denominator),
        ), f.key
        assert _blank(denominator_label) == f.denominator_label and _blank(note) == f.note, f.key
    # Reports are counted by when they were received: the late one is in.
    assert quarter["reports_received"].value == 7


@pytest.mark.django_db
def test_services_and_kecamatan_rows_are_the_figures_with_their_notes(client, personas, quarter):
    wb = _workbook(client, personas)
    summary = {r[0]: r for r in _rows(wb["Ringkasan"]) if r[0] in {s.code for s in Service.objects.all()}}
    siaga = quarter[service_key("siaga-bencana")]
    assert (siaga.value, siaga.note, siaga.extra["raw"]) == (100.0, "periksa data", 250.0)
    for code, row in summary.items():
        f, index = quarter[service_key(code)], quarter[service_key(code, "index")]
        assert row[3:6] == (f.denominator, f.numerator, f.value), code
        assert row[7] == index.value and f.note in row[8] and index.note in row[8], code
    assert "periksa data" in summary["siaga-bencana"][8]

    for sheet, s in zip(wb.sheetnames[1:6], quarter.achievements["services"], strict=True):
        rows = {r[1]: r for r in _rows(wb[sheet]) if r[1] and str(r[1]).startswith("16.13")}
        for kec in quarter.kecamatan_rows:
            r = kec["services"][s["code"]]
            assert rows[kec["code"]][2:8] == (
                r["must_serve"],
                r["served"],
                r["capaian"],
                r["index"],
                r["note"] or None,
                "mutu tingkat kabupaten" if s["code"] == "tibum" else "mutu belum dinilai",
            ), (sheet, kec["code"])
        f = quarter[service_key(s["code"])]
        assert rows["16.13"][2:5] == (f.denominator, f.numerator, f.value), sheet
    rupit_siaga = {r[1]: r for r in _rows(wb["3 Siaga bencana"]) if r[1]}[factories.RUPIT]
    assert rupit_siaga[4:7] == (100, None, "periksa data")
    # Nobody needed the service in Rawas Ulu: said so, not 0 %.
    assert {r[1]: r for r in _rows(wb["1 Tibum"]) if r[1]}["16.13.02"][4:7] == (None, None, "tidak ada kasus")


@pytest.mark.django_db
def test_budget_sheet_is_budget_figures(client, personas, quarter):
    wb = _workbook(client, personas)
    rows = {r[0]: r for r in _rows(wb["Anggaran"]) if r[0]}
    for f in budget_figures(2026):
        assert rows[f.extra["service"]][2:6] == (f.denominator, f.numerator, f.value, f.note or None)
    assert rows["kebakaran"][2:5] == (400_000_000, 150_000_000, 37.5)
    assert rows["tibum"][2:6] == (None, None, None, "belum ada anggaran")


@pytest.mark.django_db
def test_csv_is_the_same_figures(client, personas, quarter):
    client.force_login(personas.tim_efektif)
    response = client.get(CSV)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_key = {(r["kode_layanan"], r["kode_kecamatan"]): r for r in rows}
    for s in quarter.achievements["services"]:
        f, index = quarter[service_key(s["code"])], quarter[service_key(s["code"], "index")]
        kab = by_key[(s["code"], "16.13")]
        assert (kab["harus_dilayani"], kab["terlayani_sesuai_standar"], kab["capaian_persen"]) == (
            str(f.denominator),
            str(f.numerator),
            "" if f.value is None else str(f.value),
        )
        assert (kab["indeks_persen"], kab["keterangan"], kab["status_angka"]) == (
            "" if index.value is None else str(index.value),
            f.note,
            "final",
        )
        for kec in quarter.kecamatan_rows:
            r, row = kec["services"][s["code"]], by_key[(s["code"], kec["code"])]
            assert (row["capaian_persen"], row["keterangan"], row["cakupan_mutu"]) == (
                "" if r["capaian"] is None else str(r["capaian"]),
                r["note"],
                "mutu tingkat kabupaten" if s["code"] == "tibum" else "mutu belum dinilai",
            )
    assert by_key[("siaga-bencana", "16.13")]["capaian_persen"] == "100.0"
    assert by_key[("siaga-bencana", "16.13")]["keterangan"] == "periksa data"
    assert (by_key[("kebakaran", "16.13")]["pagu_rupiah"], by_key[("kebakaran", "16.13")]["realisasi_rupiah"]) == (
        "400000000",
        "150000000",
    )


@pytest.mark.django_db
def test_sheet_names_are_readable_distinct_and_fit_excel(client, personas):
    client.force_login(personas.tim_efektif)
    wb = load_workbook(io.BytesIO(client.get(XLSX).content))
    assert wb.sheetnames == [
        "Ringkasan",
        "1 Tibum",
        "2 Info bencana",
        "3 Siaga bencana",
        "4 Evakuasi bencana",
        "5 Kebakaran",
        "Anggaran",
    ]
    # The real short names are longer than Excel allows and two share their first 31 characters.
    names = [s.short_name for s in Service.objects.order_by("sort_order")]
    assert max(len(n) for n in names) > SHEET_TITLE_MAX
    assert len({n[:SHEET_TITLE_MAX] for n in names}) < len(names)
    titles = sheet_titles(names, reserved=["Ringkasan"])
    assert all(len(t) <= SHEET_TITLE_MAX for t in titles)
    assert len({t.lower() for t in titles} | {"ringkasan"}) == len(names) + 1
    assert titles[3] == "Penyelamatan & evakuasi korban"
    assert titles[4] == "Penyelamatan & evakuasi kor (2)"
    # A service without a short sheet label falls back to its short name, cut to fit.
    unknown = [{"code": "baru", "short_name": "Layanan baru: pelindungan masyarakat [uji]"}]
    assert service_sheet_titles(unknown) == ["1 Layanan baru- pelindungan mas"]
    assert espm_title(2026, 3) == "Data capaian SPM Trantibumlinmas Triwulan III 2026 untuk pengisian e-SPM"
    with translation.override("en"):
        english = service_sheet_titles([{"code": s.code, "short_name": s.short_name} for s in Service.objects.all()])
        assert english[0] == "1 Public order" and len({t.lower() for t in english}) == 5
        assert espm_title(2026, 3).startswith("SPM Trantibumlinmas achievement data, quarter III 2026")
