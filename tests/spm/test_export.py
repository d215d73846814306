"""e-SPM export: the XLSX and CSV carry the dashboard's numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from spm import services
from spm.models import QualityItem, Service
from tests.spm.conftest import at


@pytest.mark.django_db
def test_xlsx_has_a_sheet_per_service_with_the_figures(client, personas, spm_report):
    spm_report("ketertiban-umum", at(2026, 2, 2), must=20, served=15)
    tibum = Service.objects.get(code="tibum")
    items = list(QualityItem.objects.filter(service=tibum).order_by("sort_order"))
    services.assessment_save(
        actor=personas.tim_efektif,
        service=tibum,
        year=2026,
        quarter=1,
        checks={i.pk: {"met": True, "note": "SK Kasat 12/2026" if n == 0 else ""} for n, i in enumerate(items)},
        problems="Personel PPNS kurang",
        follow_up="Usulan diklat PPNS 2027",
        stage_data="Data 5.A.1 terkumpul",
    )
    client.force_login(personas.pimpinan)
    response = client.get("/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=1&confirm=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="e-SPM-Trantibumlinmas-2026-T1.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 7  # summary, five services, budget
    summary = wb[wb.sheetnames[0]]
    rows = {r[0]: r for r in summary.iter_rows(values_only=True) if r and r[0]}
    assert rows["tibum"][3:8] == (20, 15, 75.0, 100.0, 80.0)  # (80 x 75 + 20 x 100) / 100
    assert rows["info-bencana"][5] in (None, "")  # no target: empty, not 0
    sheet = wb[wb.sheetnames[1]]
    text = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for expected in (
        "Personel PPNS kurang",
        "Usulan diklat PPNS 2027",
        "Data 5.A.1 terkumpul",
        "SK Kasat 12/2026",
        "Tahap 4: pelaksanaan",
        "Rupit",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_csv_rows_reconcile(client, personas, spm_report):
    spm_report("ketertiban-umum", at(2026, 2, 2), must=20, served=15)
    client.force_login(personas.tim_efektif)
    response = client.get("/dasbor/ekspor/e-spm.csv?year=2026&quarter=1&confirm=1")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    tibum = [r for r in rows if r["kode_layanan"] == "tibum"]
    kab = next(r for r in tibum if r["kode_kecamatan"] == "16.13")
    assert (kab["harus_dilayani"], kab["terlayani_sesuai_standar"], kab["capaian_persen"]) == ("20", "15", "75.0")
    assert sum(int(r["harus_dilayani"]) for r in tibum if r["kode_kecamatan"] != "16.13") == 20


@pytest.mark.django_db
def test_export_bad_period_does_not_fail(client, personas):
    client.force_login(personas.pimpinan)
    response = client.get("/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=7")
    assert response.status_code == 302
    client.force_login(personas.mitra_bpbd)
    assert client.get("/dasbor/ekspor/e-spm.csv?year=2026&quarter=1&confirm=1").status_code == 403
