"""With English chosen, the citizen pages and the SPM dashboard contain no
Indonesian interface text: neither the templates' strings nor the text that
comes from data (category names, descriptions, question options, SPM service
names and labels, statuses, months). What people typed, and place names,
are data and stay as they are.

The test reads what a person sees or hears: text outside scripts and styles,
plus the titles, labels, placeholders and alternative texts of elements.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from incidents.models import Desa, Kecamatan
from spm.population.services import population_save
from tests.factories import RUPIT, make_incident
from tests.spm.conftest import at, make_spm_report, seed_q1_2026

# Common Indonesian words of the interface that never occur in English text.
INDONESIAN = {
    "dan",
    "yang",
    "dari",
    "untuk",
    "atau",
    "dengan",
    "tidak",
    "belum",
    "sudah",
    "akan",
    "pada",
    "oleh",
    "laporan",
    "lapor",
    "warga",
    "pilih",
    "kirim",
    "wajib",
    "diisi",
    "sasaran",
    "capaian",
    "layanan",
    "penduduk",
    "kejadian",
    "bencana",
    "kebakaran",
    "konflik",
    "ketertiban",
    "ketenteraman",
    "banjir",
    "longsor",
    "menit",
    "jam",
    "hari",
    "bulan",
    "tahun",
    "lainnya",
    "perusahaan",
    "lahan",
    "tambang",
    "perkebunan",
    "pertambangan",
    "rumah",
    "toko",
    "gedung",
    "sumber",
    "jenis",
    "jumlah",
    "korban",
    "terdampak",
    "mengungsi",
    "meninggal",
    "hilang",
    "rusak",
    "masih",
    "apakah",
    "terjadi",
    "kekerasan",
    "pihak",
    "terlibat",
    "januari",
    "februari",
    "maret",
    "mei",
    "juni",
    "juli",
    "agustus",
    "oktober",
    "desember",
    "agu",
    "okt",
    "des",
    "diverifikasi",
    "ditangani",
    "selesai",
    "ditolak",
    "duplikat",
    "triwulan",
    "semua",
    "seluruh",
    "tampilkan",
    "terapkan",
    "cetak",
    "unduh",
    "ringkasan",
    "dasbor",
    "lacak",
    "masuk",
    "keluar",
    "ganti",
    "peta",
    "lokasi",
    "penyelamatan",
    "evakuasi",
    "pencegahan",
    "kesiapsiagaan",
    "informasi",
    "rawan",
    "umum",
    "mutu",
    "indeks",
    "poin",
    "tetap",
    "perkiraan",
    "batas",
    "waktu",
    "petugas",
    "tiba",
    "terlayani",
    "dilayani",
    "harus",
    "penanggung",
    "jawab",
    "tonggak",
    "rencana",
    "aksi",
    "sengketa",
    "perselisihan",
    "antarwarga",
    "gangguan",
    "pelanggaran",
    "kecamatan tugas",
    "keterangan",
    "foto",
    "nama",
    "kode",
    "bangunan",
    "angin",
    "kekeringan",
    "gempa",
    "hutan",
    "api",
    "menyala",
    "terbakar",
    "luas",
    "orang",
    "ya",
}
# Shown in their own language on purpose: the language switch names each language so.
OWN_NAMES = ["Bahasa Indonesia"]
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.skip += 1
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def indonesian_words(html: str, *, data=()) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in sorted({*OWN_NAMES, *data}, key=len, reverse=True):
        text = text.replace(name, " ")
    words = set(re.findall(r"[a-zà-ÿ]+", text.lower()))
    phrases = {w for w in INDONESIAN if " " in w and w in text.lower()}
    return (words & INDONESIAN) | phrases


def place_names() -> list[str]:
    return [*Kecamatan.objects.values_list("name", flat=True), *Desa.objects.values_list("name", flat=True)]


def english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_citizen_pages_in_english_have_no_indonesian_interface_text(personas):
    typed = "Water from the river entered houses near the bridge."
    incident = make_incident(category="konflik-perusahaan", description=typed, reporter_name="Siti Aminah")
    client = english_client()
    for url in ("/", "/lapor/", "/lacak/", f"/lacak/{incident.tracking_code}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        found = indonesian_words(html, data=[*place_names(), typed, "Siti Aminah", "PT Sawit Contoh"])
        assert not found, f"{url}: {sorted(found)}"


@pytest.mark.django_db
def test_a_refused_report_answers_in_english(personas):
    # The service's messages name the question by its English label.
    client = english_client()
    response = client.post(
        "/lapor/",
        {
            "category": "konflik-perusahaan",
            "description": "A dispute over land.",
            "desa": "16.13.01.1007",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Company name is required." in html
    assert not indonesian_words(html, data=place_names()), sorted(indonesian_words(html, data=place_names()))


@pytest.mark.django_db
def test_the_dashboard_in_english_has_no_indonesian_interface_text(personas):
    seed_q1_2026(personas)
    make_spm_report(personas, "kebakaran-permukiman", at(2026, 2, 2), must=3, served=3)
    population_save(actor=personas.admin, code=RUPIT, year=2026, value=42_000, source="BPS")
    client = english_client(personas.pimpinan)
    for params in ("year=2026&quarter=1", "year=2026&quarter=1&peta=laporan", f"year=2026&month=2&kecamatan={RUPIT}"):
        response = client.get("/dasbor/?" + params)
        assert response.status_code == 200
        html = response.content.decode()
        found = indonesian_words(html, data=[*place_names(), "BPS"])
        assert not found, f"{params}: {sorted(found)}"
    assert "Public peace &amp; order" in html and "Reports per village" in html
