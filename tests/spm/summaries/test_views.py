"""Who may see the summaries: pages, downloads, API and the command."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from spm.summaries.models import Summary
from spm.summaries.services import summary_generate

pytestmark = pytest.mark.django_db

READERS = ["tim_efektif", "pimpinan", "admin"]
KEPT_OUT = ["officer_rupit", "koordinator", "mitra_bpbd"]


@pytest.fixture
def summary(personas, make_incident):
    make_incident("bencana-banjir")
    return summary_generate(period_key="2026-11")


def _login(client, user):
    client.force_login(user)


def _urls(summary):
    return [
        "/ringkasan/",
        f"/ringkasan/{summary.pk}/",
        f"/ringkasan/{summary.pk}/pdf/",
        f"/ringkasan/{summary.pk}/xlsx/",
    ]


@pytest.mark.parametrize("who", READERS)
def test_readers_see_list_detail_and_downloads(client, personas, summary, who):
    _login(client, getattr(personas, who))
    listing = client.get("/ringkasan/")
    assert listing.status_code == 200
    assert summary.label in listing.content.decode()
    detail = client.get(f"/ringkasan/{summary.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Capaian SPM per layanan" in page and "Laporan melewati batas waktu" in page
    pdf = client.get(f"/ringkasan/{summary.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        "attachment" in pdf["Content-Disposition"] and "ringkasan-monthly-2026-11-r1.pdf" in pdf["Content-Disposition"]
    )
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"/ringkasan/{summary.pk}/xlsx/")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert "Capaian SPM" in wb.sheetnames


@pytest.mark.parametrize("who", KEPT_OUT)
def test_other_staff_get_403_everywhere(client, personas, summary, who):
    _login(client, getattr(personas, who))
    for url in _urls(summary):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/summaries/").status_code == 403


def test_anonymous_is_sent_to_login(client, summary):
    for url in _urls(summary):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"], url
    assert client.get("/api/v1/summaries/").status_code in (401, 403)


def test_unknown_summary_is_404(client, personas, summary):
    _login(client, personas.tim_efektif)
    for url in ("/ringkasan/999999/", "/ringkasan/999999/pdf/", "/ringkasan/999999/xlsx/"):
        assert client.get(url).status_code == 404


def test_list_filters_by_kind_and_ignores_nonsense(client, personas, summary):
    summary_generate(period_key="2026-W48")
    _login(client, personas.pimpinan)
    weekly = client.get("/ringkasan/?jenis=weekly").content.decode()
    assert "Minggu ke-48" in weekly and "November 2026" not in weekly.split("<tbody>")[1]
    assert client.get("/ringkasan/?jenis=<script>&halaman=abc").status_code == 200


def test_api_lists_summaries_with_links(client, personas, summary):
    _login(client, personas.tim_efektif)
    response = client.get("/api/v1/summaries/")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["period"] == "2026-11" and item["kind"] == "monthly" and item["revision"] == 1
    assert item["provisional"] in (True, False) and item["generated_at"]
    assert item["page_url"].endswith(f"/ringkasan/{summary.pk}/")
    assert item["pdf_url"].endswith(f"/ringkasan/{summary.pk}/pdf/")
    assert item["xlsx_url"].endswith(f"/ringkasan/{summary.pk}/xlsx/")


def test_api_by_token(client, personas, summary):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=personas.pimpinan)
    response = client.get("/api/v1/summaries/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    other = Token.objects.create(user=personas.mitra_polres)
    assert client.get("/api/v1/summaries/", HTTP_AUTHORIZATION=f"Token {other.key}").status_code == 403


def test_command_generates_synchronously(personas, make_incident, capsys):
    make_incident("bencana-banjir")
    call_command("generate_summary", "--period", "2026-Q4", "--no-email")
    call_command("generate_summary", "--period", "2026-q4", "--no-email")
    summary = Summary.objects.get()
    assert (summary.kind, summary.period_key, summary.revision) == ("quarterly", "2026-Q4", 2)
    assert "revisi 2" in capsys.readouterr().out


def test_command_refuses_a_bad_period():
    with pytest.raises(CommandError, match="Periode tidak dikenal"):
        call_command("generate_summary", "--period", "2026/11")
    assert not Summary.objects.exists()
