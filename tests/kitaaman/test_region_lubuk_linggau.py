"""Kota Lubuk Linggau (16.73) set up from the reference files by
`manage.py setup_pemda`: its pages, reports, warnings, exports and privacy
export name the kota and its Wali Kota, and nothing names the demo region."""

import io
import json

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from incidents.models import Agency, Desa, Incident, Kecamatan
from incidents.privacy.services import reporter_data_export
from kitaaman import region
from kitaaman.models import RegionProfile
from spm.export import espm_xlsx
from spm.legal import decree_citation
from spm.warnings import services as warnings
from tests.incidents.intake.test_report_form import valid_data
from tests.region_helpers import KEC_TIMUR_I, KEL_AIR_KUTI, demo_words, setup_lubuk_linggau
from tests.spm.warnings.conftest import flood

pytestmark = pytest.mark.django_db


@pytest.fixture
def kota(personas):
    setup_lubuk_linggau()
    return region.current()


def test_a_fresh_install_keeps_the_demo_region_profile():
    profile = region.current()
    assert profile.official_name == "Kabupaten Musi Rawas Utara"
    assert profile.head_title == "Bupati"
    assert profile.bbox == {"min_lat": -3.11, "max_lat": -2.31, "min_lng": 102.06, "max_lng": 103.37}


def test_the_command_makes_the_portal_lubuk_linggaus(kota):
    assert (kota.code, kota.kind, kota.official_name, kota.head_title) == (
        "16.73",
        "kota",
        "Kota Lubuk Linggau",
        "Wali Kota",
    )
    assert kota.province == "Sumatera Selatan"
    assert Kecamatan.objects.count() == 8
    assert Desa.objects.count() == 72
    assert not Desa.objects.exclude(code__startswith="16.73.").exists()
    assert set(Desa.objects.values_list("jenis", flat=True)) == {Desa.Jenis.KELURAHAN}
    assert Desa.objects.filter(boundary__isnull=True).count() == 0
    # The map's bounds are the kelurahan polygons' extent with a small margin.
    assert -3.41 < kota.min_lat < -3.38 and -3.13 < kota.max_lat < -3.10
    assert 102.72 < kota.min_lng < 102.75 and 102.99 < kota.max_lng < 103.01
    assert Agency.objects.get(code="satpol-pp").name == "Satuan Polisi Pamong Praja Kota Lubuk Linggau"
    assert Agency.objects.get(code="polres").name == "Kepolisian Resor Lubuk Linggau"


def test_a_second_run_changes_nothing_and_keeps_what_the_admin_edited(kota):
    kota.phone = "(0733) 123456"
    kota.save()
    output = setup_lubuk_linggau()
    assert "0 baru, 80 diperbarui" in output
    assert region.current().phone == "(0733) 123456"
    assert Desa.objects.count() == 72


def test_the_home_page_names_the_kota(client, kota):
    html = client.get("/").content.decode()
    assert "Kota Lubuk Linggau" in html
    assert "Lubuk Linggau Aman" in html
    assert demo_words(html) == []
    # The map (loaded on request) may not be panned away from the kota's bounds.
    assert f"[[{kota.min_lat}, {kota.min_lng}], [{kota.max_lat}, {kota.max_lng}]]" in html


def test_a_report_in_a_kelurahan_of_the_kota(client, kota):
    data = valid_data(kecamatan=KEC_TIMUR_I, desa=KEL_AIR_KUTI, title="Banjir di Air Kuti")
    response = client.post("/lapor/", data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.desa_id == KEL_AIR_KUTI
    page = client.get(response["Location"]).content.decode()
    assert "Kota Lubuk Linggau" in page and demo_words(page) == []


def test_a_point_outside_the_kota_is_refused_naming_it(client, kota):
    # Muara Rupit, in the demo kabupaten: outside the kota's bounds.
    data = valid_data(kecamatan=KEC_TIMUR_I, desa=KEL_AIR_KUTI, lat="-2.69", lng="102.55")
    html = client.post("/lapor/", data).content.decode()
    assert "di luar Kota Lubuk Linggau" in html
    assert not Incident.objects.exists()


def test_a_warning_is_sent_as_the_kotas_bpbd(personas, kota):
    alert = warnings.alert_create(
        actor=personas.mitra_bpbd,
        **flood(areas=[KEL_AIR_KUTI], headline="Banjir Sungai Kelingi", description="Debit Sungai Kelingi naik."),
    )
    alert = warnings.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert alert.identifier.startswith("LUBUKLINGGAU-")
    assert "<sender>bpbd.lubuklinggaukota.go.id</sender>" in alert.cap_xml
    assert "<code>KITAAMAN-LUBUKLINGGAU-1.0</code>" in alert.cap_xml
    assert "<senderName>BPBD Kota Lubuk Linggau</senderName>" in alert.cap_xml
    assert demo_words(alert.cap_xml) == []
    from spm.warnings.delivery import sms_text

    text = sms_text(alert, unsubscribe="https://kitaaman.example.test/berhenti")
    assert text.startswith("PERINGATAN BPBD LUBUK LINGGAU")


def test_the_espm_workbook_names_the_kota(kota):
    book = load_workbook(io.BytesIO(espm_xlsx(year=2026, quarter=1)))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Kota Lubuk Linggau" in cells
    assert "16.73" in cells
    assert demo_words(" ".join(cells)) == []


def test_the_sk_tim_efektif_is_a_decree_of_the_wali_kota(kota):
    citation = decree_citation({"number": "188.45/12/KPTS/2026", "title": "Tim Efektif", "signed_on": "2026-01-02"})
    assert citation.startswith("Keputusan Wali Kota Lubuk Linggau Nomor 188.45/12/KPTS/2026")


def test_the_privacy_export_names_the_kota_as_controller(client, personas, kota):
    client.post("/lapor/", valid_data(kecamatan=KEC_TIMUR_I, desa=KEL_AIR_KUTI))
    exported = reporter_data_export(actor=personas.koordinator, incidents=Incident.objects.all())
    assert exported["controller"] == "Pemerintah Kota Lubuk Linggau (KITA AMAN)"
    assert demo_words(json.dumps(exported)) == []


def test_the_profile_is_read_from_the_database_when_the_cache_is_down(kota, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "incr", down)
    monkeypatch.setattr(cache, "set", down)
    assert region.current().official_name == "Kota Lubuk Linggau"
    profile = RegionProfile.objects.get()
    profile.short_name = "Linggau"
    profile.save()  # saving with the cache down does not fail either
    assert region.current().short_name == "Linggau"


def test_a_saved_profile_is_seen_at_once(client, kota):
    kota.official_name = "Kota Lubuklinggau"
    kota.save()
    assert "Kota Lubuklinggau" in client.get("/").content.decode()


def test_a_demo_desa_with_reports_is_kept_not_deleted(make_incident):
    incident = make_incident()
    output = setup_lubuk_linggau()
    assert incident.desa_id in output
    assert Desa.objects.filter(code=incident.desa_id).exists()
    assert Incident.objects.get(pk=incident.pk).desa_id == incident.desa_id


def test_the_desk_map_opens_on_the_kota(client, personas, kota):
    client.force_login(personas.koordinator)
    html = client.get("/petugas/peta/").content.decode()
    # django-leaflet's extent is [[south, west], [north, east]] of the kota's bounds.
    assert f"[[{kota.min_lat}, {kota.min_lng}], [{kota.max_lat}, {kota.max_lng}]]" in html


def test_the_dashboard_is_the_kotas(client, personas, kota):
    client.force_login(personas.pimpinan)
    html = client.get("/dasbor/", {"year": 2026, "quarter": 1}).content.decode()
    assert "Seluruh Kota Lubuk Linggau" in html
    assert '<tfoot><tr><th scope="row">Kota</th>' in html
    assert demo_words(html) == []
