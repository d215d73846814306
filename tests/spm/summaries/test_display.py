"""What a summary shows: report codes instead of internal ids, overdue time
in days and hours, the dashboard's chart and map, and English words for an
English reader from the same stored revision."""

import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command

from incidents.models import Incident, Status
from spm.population.services import population_save
from spm.rollup import rebuild_stats
from spm.summaries.periods import WIB
from spm.summaries.services import summary_generate
from tests.conftest import missing_service
from tests.factories import DESA_NIBUNG, RUPIT

pytestmark = pytest.mark.django_db
IN_AUG = datetime(2026, 8, 10, 9, 0, tzinfo=WIB)


@pytest.fixture
def august(personas, make_incident):
    boundaries = settings.WILAYAH_DATA_DIR / "muratara_kecamatan_from_desa.geojson"
    if boundaries.is_file():
        call_command("import_boundaries", str(boundaries), verbosity=0)
    clash = make_incident(
        "konflik-perusahaan",
        desa=DESA_NIBUNG,
        details={
            "pokok_masalah": "tanah-sumber-daya",
            "sumber_konflik": "sumber-daya-alam",
            "perusahaan": "PT Sawit Contoh",
            "ada_kekerasan": True,
        },
    )
    # Verified, follow-up due on 12 August 10.00, still open at the end of the month: 19 days 14 hours late
    # on 1 September 00.00.
    due = IN_AUG + timedelta(days=2, hours=1)
    Incident.objects.filter(pk=clash.pk).update(
        created_at=IN_AUG,
        reported_at=IN_AUG,
        verified_at=IN_AUG + timedelta(hours=2),
        verify_due_at=IN_AUG + timedelta(days=1),
        followup_due_at=due,
        due_at=due,
        status=Status.DIVERIFIKASI,
    )
    rebuild_stats()
    population_save(actor=personas.admin, code=RUPIT, year=2026, value=42_000, source="BPS")
    summary = summary_generate(period_key="2026-08", now=datetime(2026, 9, 1, 0, 0, tzinfo=WIB))
    clash.refresh_from_db()
    return summary, clash


def test_overdue_and_notable_reports_by_code_with_days(client, personas, august):
    summary, clash = august
    client.force_login(personas.pimpinan)
    page = client.get(f"/ringkasan/{summary.pk}/").content.decode()
    assert clash.tracking_code in page and f">#{clash.pk}<" not in page
    assert f'href="/petugas/laporan/{clash.pk}/"' in page
    assert "19 hari 14 jam" in page
    # Dates in the summary are written out.
    assert "12 Agustus 2026 10.00 WIB" in page and "12 Agu 2026" not in page
    assert 'class="chart chart-wide"' in page
    if (settings.WILAYAH_DATA_DIR / "muratara_kecamatan_from_desa.geojson").is_file():
        assert 'class="choropleth choropleth-wide"' in page
    assert "BPS (2026)" in page


def test_an_english_reader_gets_english_statuses_months_and_reasons(client, personas, august):
    summary, clash = august
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.pimpinan)
    page = client.get(f"/ringkasan/{summary.pk}/").content.decode()
    assert "12 August 2026 10.00 WIB" in page and "Agu" not in page
    assert "19 days 14 hours" in page
    assert "Verified" in page and "Diverifikasi" not in page
    assert "Violence occurred" in page and "Terjadi kekerasan" not in page
    assert "Conflict between residents and a company" in page
    listing = client.get("/ringkasan/").content.decode()
    assert "August 2026" in listing


def test_the_pdf_has_the_chart_codes_and_days(august, tmp_path):
    if not shutil.which("pdftotext"):
        missing_service("needs pdftotext (apt-get install poppler-utils)")
    summary, clash = august
    path = tmp_path / "ringkasan.pdf"
    path.write_bytes(summary.pdf.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60).stdout
    assert clash.tracking_code in text and f"#{clash.pk}" not in text
    assert "19 hari 14 jam" in text
    assert "Tren capaian bulanan 2026" in text
    # The chart's axis and the legend are drawn as text in the PDF.
    assert "100 %" in text and "Ketenteraman & ketertiban umum" in text
