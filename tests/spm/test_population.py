"""Population per kecamatan and desa: the import command, the admin, and
which year's figure a period uses."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.models import AuditLog, Desa
from spm.population.models import Population
from spm.population.selectors import desa_population, kecamatan_population
from spm.population.services import population_save
from tests.factories import DESA_RUPIT, NIBUNG, RUPIT


def write(tmp_path, text, name="penduduk.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_import_a_bps_table(tmp_path):
    path = write(
        tmp_path,
        "kode,penduduk,tahun,sumber\n"
        f"{RUPIT},41.250,2025,BPS Kecamatan Rupit Dalam Angka 2025\n"
        f"{DESA_RUPIT},4120,2025,BPS Kecamatan Rupit Dalam Angka 2025\n"
        f"{NIBUNG},27900,2025,BPS Kecamatan Nibung Dalam Angka 2025\n",
    )
    out = StringIO()
    call_command("import_population", path, stdout=out)
    assert "3 baris diimpor (3 baru, 0 diganti)" in out.getvalue()
    assert kecamatan_population(year=2026)[RUPIT].value == 41_250
    assert desa_population(kecamatan=RUPIT, year=2025)[DESA_RUPIT].value == 4_120
    # The same file again replaces, never duplicates.
    call_command("import_population", path, stdout=StringIO())
    assert Population.objects.count() == 3
    assert AuditLog.objects.filter(action="spm.population.imported").count() == 2


@pytest.mark.django_db
def test_one_bad_line_saves_nothing_and_names_the_line(tmp_path):
    path = write(
        tmp_path,
        f"kode;penduduk\n{RUPIT};41250\n16.13.99;100\n{NIBUNG};banyak\n{RUPIT};12,5\n",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_population", path, "--year", "2025", "--source", "BPS", stdout=StringIO())
    message = str(exc.value)
    assert "baris 3" in message and "16.13.99" in message
    assert "baris 4" in message and "baris 5" in message
    assert not Population.objects.exists()


@pytest.mark.django_db
def test_missing_year_or_source_is_refused(tmp_path):
    path = write(tmp_path, f"kode,penduduk\n{RUPIT},41250\n")
    with pytest.raises(CommandError, match="tahun"):
        call_command("import_population", path, stdout=StringIO())
    with pytest.raises(CommandError, match="Kolom wajib"):
        call_command("import_population", write(tmp_path, "nama,jumlah\nRupit,1\n", "x.csv"), stdout=StringIO())


@pytest.mark.django_db
def test_the_figure_of_the_latest_year_not_after_the_period(personas):
    for year, value in ((2024, 40_000), (2026, 42_000)):
        population_save(actor=personas.admin, code=RUPIT, year=year, value=value, source="BPS")
    assert kecamatan_population(year=2025)[RUPIT].value == 40_000
    assert kecamatan_population(year=2026)[RUPIT].year == 2026
    # Before any figure: the earliest one, with its year shown.
    assert kecamatan_population(year=2020)[RUPIT].year == 2024


@pytest.mark.django_db
def test_a_kecamatan_is_the_sum_of_its_desa_only_when_every_desa_has_a_figure(personas):
    codes = list(Desa.objects.filter(kecamatan_id=NIBUNG).values_list("code", flat=True))
    for code in codes[:-1]:
        population_save(actor=personas.admin, code=code, year=2025, value=1000, source="Dukcapil")
    assert NIBUNG not in kecamatan_population(year=2025)
    population_save(actor=personas.admin, code=codes[-1], year=2025, value=500, source="Dukcapil")
    figure = kecamatan_population(year=2025)[NIBUNG]
    assert figure.value == 1000 * (len(codes) - 1) + 500 and figure.source == "Dukcapil"


@pytest.mark.django_db
def test_bad_values_are_refused_in_indonesian(personas):
    with pytest.raises(ValidationError) as exc:
        population_save(actor=personas.admin, code=RUPIT, year=1990, value=0, source="")
    text = " ".join(exc.value.messages)
    assert "tahun harus antara 2000 dan 2100" in text and "jumlah penduduk" in text and "sumber" in text


@pytest.mark.django_db
def test_only_the_admin_edits_population_in_the_admin(client, personas):
    url = "/admin/population/population/add/"
    for who in ("tim_efektif", "pimpinan", "officer_rupit"):
        client.force_login(getattr(personas, who))
        response = client.get(url)
        assert response.status_code in (302, 403), who
    client.force_login(personas.admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kecamatan": RUPIT, "desa": DESA_RUPIT, "year": 2025, "value": 4120, "source": "Profil desa 2025"}
    )
    assert response.status_code == 302
    row = Population.objects.get()
    assert (row.desa_id, row.value, row.updated_by) == (DESA_RUPIT, 4120, personas.admin)
    assert AuditLog.objects.filter(action="spm.population.saved", actor=personas.admin).exists()
