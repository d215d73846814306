"""e-SPM export: text typed by the Tim Efektif never becomes a live formula
or breaks the file; figures stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from spm import services
from spm.models import QualityItem, Service
from tests.kitaaman.test_spreadsheet_cells import INJECTIONS
from tests.spm.conftest import at

# --- e-SPM export ----------------------------------------------------------------------------------


@pytest.fixture
def hostile_assessment(personas, spm_report):
    spm_report("ketertiban-umum", at(2026, 2, 2), must=20, served=15)
    tibum = Service.objects.get(code="tibum")
    items = list(QualityItem.objects.filter(service=tibum).order_by("sort_order"))
    services.assessment_save(
        actor=personas.tim_efektif,
        service=tibum,
        year=2026,
        quarter=1,
        checks={i.pk: {"met": True, "note": INJECTIONS[2] if n == 0 else ""} for n, i in enumerate(items)},
        problems=INJECTIONS[0],
        follow_up=INJECTIONS[1],
        stage_data="@SUM(A1)\x07",
    )


@pytest.mark.django_db
def test_espm_xlsx_writes_typed_text_as_text(client, personas, hostile_assessment):
    client.force_login(personas.pimpinan)
    response = client.get("/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=1&confirm=1")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula reached the workbook"
    values = {c.value for c in cells}
    assert "'" + INJECTIONS[0] in values and "'" + INJECTIONS[1] in values and "'@SUM(A1)" in values
    assert 20 in values and 15 in values  # figures stay numbers


@pytest.mark.django_db
def test_espm_csv_writes_typed_text_as_text(client, personas, hostile_assessment):
    client.force_login(personas.tim_efektif)
    response = client.get("/dasbor/ekspor/e-spm.csv?year=2026&quarter=1&confirm=1")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    kab = next(r for r in rows if r["kode_layanan"] == "tibum" and r["kode_kecamatan"] == "16.13")
    assert kab["permasalahan"] == "'" + INJECTIONS[0]
    assert kab["tindak_lanjut"] == "'" + INJECTIONS[1]
    assert kab["harus_dilayani"] == "20"
