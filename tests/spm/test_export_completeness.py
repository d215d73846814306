"""Before the e-SPM file: what is missing, listed with where to fill it; the
file comes when nothing is missing or when asked for anyway (confirm=1)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from incidents.models import AuditLog, Kecamatan
from spm import services
from spm.export_gaps import espm_completeness
from spm.models import QualityItem, Service
from spm.population.services import population_save
from tests import factories

XLSX = "/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=1"
CSV = "/dasbor/ekspor/e-spm.csv?year=2026&quarter=1"
TIBUM_BUDGET = "Anggaran Ketenteraman & ketertiban umum tahun 2026 (pagu dan realisasi) belum diisi."


def _complete(personas, *, except_budget_of=None):
    """Everything e-SPM asks for in Q1 2026, but the budget of one service if asked."""
    tim = personas.tim_efektif
    for code in ("info-bencana", "siaga-bencana"):
        services.target_save(actor=tim, service=code, year=2026, kecamatan=factories.RUPIT, value=100)
    for service in Service.objects.all():
        services.assessment_save(
            actor=tim,
            service=service,
            year=2026,
            quarter=1,
            checks={i.pk: {"met": True} for i in QualityItem.objects.filter(service=service)},
            stage_data="Data terkumpul",
            stage_needs="Kebutuhan dihitung",
            stage_planning="Masuk Renja 2026",
            stage_delivery="Layanan berjalan",
        )
        if service.code != except_budget_of:
            services.budget_save(actor=tim, service=service, year=2026, pagu=1_000_000, realisasi=250_000)
    for code in Kecamatan.objects.values_list("code", flat=True):
        population_save(actor=personas.admin, code=code, year=2025, value=20_000, source="BPS")


@pytest.mark.django_db
def test_each_kind_of_gap_is_listed(personas):
    gaps = espm_completeness(2026, 1)
    assert "Belum ada sasaran Informasi rawan bencana tahun 2026: capaiannya tidak dapat dihitung." in gaps
    assert "Penilaian mutu Penyelamatan & evakuasi korban kebakaran Triwulan I 2026 belum diisi." in gaps
    assert TIBUM_BUDGET in gaps
    assert any(g.startswith("Jumlah penduduk belum dicatat untuk kecamatan Rupit,") for g in gaps)
    tibum = Service.objects.get(code="tibum")
    services.assessment_save(
        actor=personas.tim_efektif, service=tibum, year=2026, quarter=1, checks={}, stage_needs="x"
    )
    assert "Tahapan penerapan SPM Ketenteraman & ketertiban umum Triwulan I 2026 belum diisi: tahap 3, 4." in (
        espm_completeness(2026, 1)
    )
    _complete(personas)
    assert espm_completeness(2026, 1) == []
    assert espm_completeness(2026, 2)  # another quarter has its own assessments


@pytest.mark.django_db
def test_the_page_lists_a_missing_budget_until_it_is_entered(client, personas):
    _complete(personas, except_budget_of="tibum")
    client.force_login(personas.tim_efektif)
    response = client.get(XLSX)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert TIBUM_BUDGET.replace("&", "&amp;") in page
    assert 'href="/dasbor/anggaran/?year=2026&amp;service=tibum"' in page
    assert 'href="/dasbor/ekspor/e-spm.xlsx?year=2026&amp;quarter=1&amp;confirm=1"' in page and "Unduh tetap" in page
    assert not AuditLog.objects.filter(action="spm.export").exists()  # nothing left the system yet

    client.post("/dasbor/anggaran/", {"service": "tibum", "year": "2026", "pagu": "1.000.000", "realisasi": "0"})
    response = client.get(XLSX)
    assert response["Content-Disposition"] == 'attachment; filename="e-SPM-Trantibumlinmas-2026-T1.xlsx"'
    summary = load_workbook(io.BytesIO(response.content))["Ringkasan"]
    text = [c for row in summary.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Lengkap: tidak ada data yang kurang untuk laporan e-SPM triwulan ini." in text
    assert client.get(CSV)["Content-Disposition"].startswith("attachment;")
    assert AuditLog.objects.filter(action="spm.export").count() == 2


@pytest.mark.django_db
def test_confirm_downloads_anyway_with_the_gaps_in_the_file(client, personas):
    client.force_login(personas.pimpinan)
    response = client.get(CSV + "&confirm=1")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    response = client.get(XLSX + "&confirm=1")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(response.content))["Ringkasan"].iter_rows(values_only=True))
    start = next(n for n, r in enumerate(rows) if r[0] == "Kelengkapan")
    listed = [r[1] for r in rows[start + 1 :] if isinstance(r[0], int)]
    assert listed == espm_completeness(2026, 1) and TIBUM_BUDGET in listed


@pytest.mark.django_db
def test_who_may_export_is_unchanged(client, personas):
    for persona in (personas.mitra_bpbd, personas.officer_rupit, personas.koordinator):
        client.force_login(persona)
        assert client.get(XLSX).status_code == 403, persona.username
        assert client.get(CSV + "&confirm=1").status_code == 403, persona.username
    client.logout()
    response = client.get(XLSX)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(personas.tim_efektif)
    assert client.get(XLSX).status_code == 200
    assert client.get("/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=9").status_code == 302
