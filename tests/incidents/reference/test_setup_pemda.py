"""`manage.py setup_pemda`: refusals that write nothing, the first admin, the
agencies, the demo territory retired, and a newer edition applied as
differences (renamed, added and retired desa) with an audit record."""

import io
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.channels.matching import match_desa
from incidents.models import Agency, AuditLog, Desa, Incident, Kecamatan
from incidents.open311.address import desa_from_address
from incidents.reference.region_setup import AUDIT_ACTION
from kitaaman import region
from tests.factories import DESA_RUPIT
from tests.region_helpers import KEC_TIMUR_I, KEL_AIR_KUTI, LUBUK_LINGGAU, setup_lubuk_linggau, wilayah_dir

pytestmark = pytest.mark.django_db

KEL_MAJAPAHIT = "16.73.01.1002"
KEL_TABA_JEMEKEH = "16.73.01.1003"


def _run(code, **options) -> str:
    out = io.StringIO()
    call_command("setup_pemda", code, stdout=out, **options)
    return out.getvalue()


def _nothing_written():
    assert region.current().code == "16.13"
    assert Desa.objects.filter(code__startswith="16.13.", retired=False).count() == 89
    assert not Desa.objects.filter(code__startswith="16.73.").exists()
    assert not Kecamatan.objects.filter(code__startswith="16.73.").exists()
    assert not AuditLog.objects.filter(action=AUDIT_ACTION).exists()
    assert not get_user_model().objects.filter(username="admin-kota").exists()
    assert not Agency.objects.filter(code__startswith="camat-").exists()


def _copy(tmp_path, *names):
    for name in names:
        shutil.copy(wilayah_dir() / name, tmp_path)


# --- refusals: nothing written ---------------------------------------------------------------


@pytest.mark.parametrize(
    "code, message",
    [
        ("16", "kode provinsi, bukan kabupaten/kota"),
        ("16.9", "bukan kode kabupaten/kota"),
        ("16.99", "tidak ada dalam daftar kabupaten/kota nasional"),
    ],
)
def test_a_code_that_is_not_a_known_kabupaten_or_kota_is_refused(code, message, monkeypatch):
    monkeypatch.setenv("KITAAMAN_ADMIN_PASSWORD", "Linggau-Aman-2026!")
    with pytest.raises(CommandError, match=message):
        _run(code, wilayah=str(wilayah_dir() / "lubuklinggau_wilayah.csv"), admin_username="admin-kota")
    _nothing_written()


def test_another_regions_file_is_refused():
    with pytest.raises(CommandError, match="berkas Kabupaten Musi Rawas Utara \\(16.13\\), bukan Kota Lubuk Linggau"):
        _run(LUBUK_LINGGAU, wilayah=str(wilayah_dir() / "muratara_wilayah.csv"))
    _nothing_written()


def test_a_desa_of_another_region_in_the_kotas_file_is_refused(tmp_path):
    _copy(tmp_path, "indonesia_kabupaten_kota.csv")
    rows = (wilayah_dir() / "lubuklinggau_wilayah.csv").read_text(encoding="utf-8").splitlines()
    rows.append("desa,16.13.01.1007,Muara Rupit,16.13.01,-2.69,102.55")
    (tmp_path / "lubuklinggau_wilayah.csv").write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(CommandError, match="16.13.01.1007 bukan bagian dari Kota Lubuk Linggau"):
        _run(LUBUK_LINGGAU, wilayah=str(tmp_path / "lubuklinggau_wilayah.csv"))
    _nothing_written()


def test_boundaries_that_do_not_match_the_codes_are_refused():
    with pytest.raises(CommandError, match="tidak cocok dengan daftar 16.73"):
        _run(
            LUBUK_LINGGAU,
            wilayah=str(wilayah_dir() / "lubuklinggau_wilayah.csv"),
            boundaries=str(wilayah_dir() / "muratara_desa.geojson"),
        )
    _nothing_written()


def test_a_folder_instead_of_the_wilayah_file_is_refused():
    with pytest.raises(CommandError, match="adalah folder; sebutkan berkas \\*_wilayah.csv"):
        _run(LUBUK_LINGGAU, wilayah=str(wilayah_dir()))
    _nothing_written()


def test_an_admin_without_a_password_is_refused_before_anything_is_written(monkeypatch):
    monkeypatch.delenv("KITAAMAN_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="KITAAMAN_ADMIN_PASSWORD"):
        setup_lubuk_linggau(admin_username="admin-kota")
    _nothing_written()


def test_a_weak_admin_password_is_refused(monkeypatch):
    monkeypatch.setenv("KITAAMAN_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError, match="Kata sandi admin ditolak"):
        setup_lubuk_linggau(admin_username="admin-kota")
    _nothing_written()


# --- a fresh database becomes the kota's -------------------------------------------------------


def test_the_first_admin_account_is_created_once(monkeypatch):
    monkeypatch.setenv("KITAAMAN_ADMIN_PASSWORD", "Linggau-Aman-2026!")
    output = setup_lubuk_linggau(admin_username="admin-kota", admin_email="it@lubuklinggaukota.go.id")
    assert "Akun admin admin-kota dibuat." in output
    admin = get_user_model().objects.get(username="admin-kota")
    assert admin.is_superuser and admin.check_password("Linggau-Aman-2026!")
    monkeypatch.setenv("KITAAMAN_ADMIN_PASSWORD", "Another-Password-99!")
    assert "sudah ada; tidak diubah" in setup_lubuk_linggau(admin_username="admin-kota")
    admin.refresh_from_db()
    assert admin.check_password("Linggau-Aman-2026!")


def test_the_agencies_of_a_pemda_are_seeded_with_the_kecamatan_offices():
    setup_lubuk_linggau()
    codes = set(Agency.objects.values_list("code", flat=True))
    assert {"satpol-pp", "bpbd", "damkar", "polres", "tni"} <= codes
    offices = Agency.objects.filter(code__startswith="camat-")
    assert offices.count() == 8
    assert Agency.objects.get(code="camat-16-73-01").name == "Kantor Camat Lubuk Linggau Timur I"
    # The admin's edits survive a second run.
    Agency.objects.filter(code="camat-16-73-01").update(phone="(0733) 1111")
    setup_lubuk_linggau()
    assert Agency.objects.get(code="camat-16-73-01").phone == "(0733) 1111"


def test_only_the_kotas_territory_is_offered_after_setup(client, make_incident):
    old = make_incident(desa=DESA_RUPIT)
    output = setup_lubuk_linggau()
    assert DESA_RUPIT in output
    # The demo desa with a report is retired, not deleted; the others are gone.
    assert Desa.objects.get(code=DESA_RUPIT).retired
    assert not Desa.objects.offered().exclude(code__startswith="16.73.").exists()
    assert not Kecamatan.objects.offered().exclude(code__startswith="16.73.").exists()
    assert Desa.objects.filter(code__startswith="16.13.").count() == 1
    # Not offered in the report form, the SMS matching, Open311 or the public areas list ...
    form = client.get("/lapor/").content.decode()
    assert "Muara Rupit" not in form and "Air Kuti" in form
    assert match_desa("Muara Rupit").desa is None
    with pytest.raises(ValidationError):
        desa_from_address(DESA_RUPIT)
    areas = client.get("/api/v1/areas/", {"level": "desa"}).json()
    assert DESA_RUPIT not in {f["properties"]["code"] for f in areas["features"]}
    # ... but the old report still names its place.
    assert Incident.objects.get(pk=old.pk).desa.name == "Muara Rupit"


# --- a newer edition ----------------------------------------------------------------------------


def _newer_edition(tmp_path):
    """The kota's file with Majapahit renamed, Taba Jemekeh dropped and one kelurahan added."""
    _copy(tmp_path, "indonesia_kabupaten_kota.csv")
    lines = []
    for line in (wilayah_dir() / "lubuklinggau_wilayah.csv").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"desa,{KEL_TABA_JEMEKEH},"):
            continue
        lines.append(line.replace(f"desa,{KEL_MAJAPAHIT},Majapahit,", f"desa,{KEL_MAJAPAHIT},Majapahit Baru,"))
    lines.append(f"desa,16.73.01.1099,Kelingi Indah,{KEC_TIMUR_I},-3.28,102.91")
    path = tmp_path / "lubuklinggau_wilayah.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_newer_edition_is_shown_and_applied_as_differences(tmp_path, make_incident):
    setup_lubuk_linggau()
    report = make_incident(desa=KEL_TABA_JEMEKEH)
    output = _run(LUBUK_LINGGAU, wilayah=str(_newer_edition(tmp_path)))
    assert f"ganti nama: {KEL_MAJAPAHIT} Majapahit -> Majapahit Baru" in output
    assert f"tidak dipakai lagi: {KEL_TABA_JEMEKEH} Taba Jemekeh" in output
    assert "baru: 16.73.01.1099 Kelingi Indah" in output

    assert Desa.objects.get(code=KEL_MAJAPAHIT).name == "Majapahit Baru"
    retired = Desa.objects.get(code=KEL_TABA_JEMEKEH)
    assert retired.retired and retired.boundary is not None  # kept as it was, boundary and all
    assert Incident.objects.get(pk=report.pk).desa_id == KEL_TABA_JEMEKEH
    assert not Desa.objects.offered().filter(code=KEL_TABA_JEMEKEH).exists()
    assert Desa.objects.get(code="16.73.01.1099").jenis == Desa.Jenis.KELURAHAN
    assert match_desa("Taba Jemekeh").desa is None
    assert match_desa("Majapahit Baru").desa.code == KEL_MAJAPAHIT

    entry = AuditLog.objects.filter(action=AUDIT_ACTION).latest("created_at")
    assert entry.data["desa_renamed"] == [[KEL_MAJAPAHIT, "Majapahit", "Majapahit Baru"]]
    assert entry.data["desa_retired"] == [KEL_TABA_JEMEKEH]
    assert entry.data["desa_added"] == ["16.73.01.1099"]
    assert entry.data["new_region"] is False

    # The same edition again: no differences, nothing new in the log but the run itself.
    again = _run(LUBUK_LINGGAU, wilayah=str(tmp_path / "lubuklinggau_wilayah.csv"))
    assert "ganti nama" not in again and "tidak dipakai lagi" not in again and "+ baru" not in again
    last = AuditLog.objects.filter(action=AUDIT_ACTION).latest("created_at")
    assert last.data["desa_renamed"] == last.data["desa_retired"] == last.data["desa_added"] == []


def test_a_retired_desa_listed_again_is_offered_again(tmp_path):
    setup_lubuk_linggau()
    _run(LUBUK_LINGGAU, wilayah=str(_newer_edition(tmp_path)))
    output = setup_lubuk_linggau()
    assert f"dipakai lagi: {KEL_TABA_JEMEKEH}" in output
    assert Desa.objects.offered().filter(code=KEL_TABA_JEMEKEH).exists()


def test_a_retired_desa_is_kept_on_the_desk_form_of_its_old_report(client, personas, make_incident, tmp_path):
    setup_lubuk_linggau()
    report = make_incident(desa=KEL_TABA_JEMEKEH)
    _run(LUBUK_LINGGAU, wilayah=str(_newer_edition(tmp_path)))
    from incidents.desk.forms import TriageForm

    form = TriageForm(incident=Incident.objects.get(pk=report.pk))
    offered = set(form.fields["desa"].queryset.values_list("code", flat=True))
    assert KEL_TABA_JEMEKEH in offered
    other = make_incident(desa=KEL_AIR_KUTI)
    assert KEL_TABA_JEMEKEH not in set(
        TriageForm(incident=other).fields["desa"].queryset.values_list("code", flat=True)
    )


def test_a_new_warning_cannot_name_a_retired_desa(personas, tmp_path):
    from spm.warnings import services as warnings
    from tests.spm.warnings.conftest import flood

    setup_lubuk_linggau()
    _run(LUBUK_LINGGAU, wilayah=str(_newer_edition(tmp_path)))
    with pytest.raises(ValidationError, match=KEL_TABA_JEMEKEH):
        warnings.alert_create(actor=personas.mitra_bpbd, **flood(areas=[KEL_TABA_JEMEKEH]))
    alert = warnings.alert_create(actor=personas.mitra_bpbd, **flood(areas=[KEL_MAJAPAHIT]))
    assert alert.pk
