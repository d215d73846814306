"""Dashboard and data-entry pages: who gets in, what they see."""

import pytest

from spm.models import Budget, Milestone, Target
from tests.factories import RUPIT
from tests.spm.conftest import at

PAGES = [
    "/dasbor/",
    "/dasbor/sasaran/",
    "/dasbor/anggaran/",
    "/dasbor/kegiatan/",
    "/dasbor/mutu/",
    "/dasbor/rencana-aksi/",
    "/dasbor/layanan/",
    "/dasbor/ekspor/e-spm.xlsx?year=2026&quarter=1",
    "/dasbor/ekspor/e-spm.csv?year=2026&quarter=1",
]


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pimpinan", "tim_efektif"])
def test_pimpinan_and_tim_efektif_see_every_page(client, personas, who):
    login(client, getattr(personas, who))
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_rupit", "koordinator", "mitra_bpbd"])
def test_petugas_and_mitra_are_refused(client, personas, who):
    login(client, getattr(personas, who))
    for url in PAGES:
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url


@pytest.mark.django_db
def test_pimpinan_cannot_write(client, personas):
    login(client, personas.pimpinan)
    milestone = Milestone.objects.first()
    posts = [
        ("/dasbor/sasaran/", {"service": "info-bencana", "year": 2026, "value": 10}),
        (
            "/dasbor/kegiatan/",
            {
                "service": "info-bencana",
                "date": "2026-01-02",
                "desa": "16.13.01.1007",
                "kind": "kie",
                "people_reached": 5,
                "description": "x",
            },
        ),
        ("/dasbor/mutu/", {"service": "tibum", "year": 2026, "quarter": 1}),
        ("/dasbor/anggaran/", {"service": "tibum", "year": 2026, "pagu": "100", "realisasi": "0"}),
        (f"/dasbor/rencana-aksi/{milestone.pk}/", {"owner": "x", "status": "selesai"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/dasbor/rencana-aksi/{milestone.pk}/").status_code == 403
    assert not Target.objects.exists() and not Budget.objects.exists()
    # The forms are not offered either.
    assert b'name="value"' not in client.get("/dasbor/sasaran/").content


@pytest.mark.django_db
def test_tim_efektif_enters_target_and_sees_it_on_the_dashboard(client, personas):
    login(client, personas.tim_efektif)
    response = client.post(
        "/dasbor/sasaran/",
        {"service": "info-bencana", "year": 2026, "kecamatan": RUPIT, "value": 1200, "note": "KRB 2025"},
    )
    assert response.status_code == 302
    response = client.post(
        "/dasbor/sasaran/", {"service": "info-bencana", "year": 2026, "kecamatan": RUPIT, "value": 1500}
    )
    assert Target.objects.get().value == 1500  # same key: replaced
    bad = client.post("/dasbor/sasaran/", {"service": "tibum", "year": 2026, "value": -3})
    assert (
        bad.status_code == 200
        and "Pastikan nilai ini lebih besar dari atau sama dengan 0" in bad.content.decode()
        or b"errorlist" in bad.content
    )
    page = client.get("/dasbor/?year=2026&quarter=1").content.decode()
    assert "1.500" in page


@pytest.mark.django_db
def test_dashboard_cards_and_links(client, personas, spm_report):
    spm_report("ketertiban-umum", at(2026, 3, 2), must=20, served=15)
    login(client, personas.pimpinan)
    page = client.get("/dasbor/?year=2026&quarter=1").content.decode()
    assert "Triwulan I 2026" in page
    assert "75,0" in page  # capaian tibum, Indonesian decimal comma
    assert "belum ada sasaran" in page
    assert "/petugas/?category=ketertiban-umum&amp;created_after=2026-01-01&amp;created_before=2026-03-31" in page
    assert "median" in page.lower() and "perkiraan" in page


@pytest.mark.django_db
def test_bad_filters_never_fail(client, personas):
    login(client, personas.pimpinan)
    for qs in (
        "year=abc",
        "year=2026&quarter=9",
        "year=2026&quarter=1&month=2",
        "kecamatan=99.99",
        "year=1800&month=x",
        "peta=<script>",
    ):
        response = client.get("/dasbor/?" + qs)
        assert response.status_code == 200, qs
        assert b"<script>" not in response.content.split(b"</header>", 1)[1].replace(b"<script src=", b"")


@pytest.mark.django_db
def test_tim_efektif_fills_quality_checklist_and_action_plan(client, personas):
    from incidents.models import AuditLog
    from spm.calculations import achievements
    from spm.models import PeriodAssessment, QualityItem

    login(client, personas.tim_efektif)
    items = list(QualityItem.objects.filter(service__code="kebakaran").order_by("sort_order"))
    data = {
        "service": "kebakaran",
        "year": 2026,
        "quarter": 2,
        "problems": "Mobil damkar baru 1 unit",
        "stage_data": "Data korban 2026",
    }
    for item in items[:2]:
        data[f"met_{item.pk}"] = "on"
        data[f"note_{item.pk}"] = "SOP 2026"
    response = client.post("/dasbor/mutu/", data)
    assert response.status_code == 302
    assessment = PeriodAssessment.objects.get(service__code="kebakaran", year=2026, quarter=2)
    assert assessment.problems == "Mobil damkar baru 1 unit"
    # Weights 2 + 1 of 2 + 1 + 1 + 1 + 1 = 3 / 6
    fire = next(s for s in achievements(year=2026, month=6)["services"] if s["code"] == "kebakaran")
    assert fire["quality"] == 50.0
    # May ended before the second quarter did: its checklist does not reach May.
    may = next(s for s in achievements(year=2026, month=5)["services"] if s["code"] == "kebakaran")
    assert may["quality"] is None
    # An earlier quarter has no checklist yet.
    assert (
        next(s for s in achievements(year=2026, quarter=1)["services"] if s["code"] == "kebakaran")["quality"] is None
    )
    page = client.get("/dasbor/mutu/?service=kebakaran&year=2026&quarter=2").content.decode()
    assert "50,0" in page and "checked" in page

    milestone = Milestone.objects.get(code="sk-bupati")
    response = client.post(
        f"/dasbor/rencana-aksi/{milestone.pk}/",
        {"owner": "Bagian Hukum", "status": "selesai", "evidence_note": "SK 188/2026"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.owner, milestone.evidence_note) == ("selesai", "Bagian Hukum", "SK 188/2026")
    assert milestone.completed_on is not None
    assert set(AuditLog.objects.filter(actor=personas.tim_efektif).values_list("action", flat=True)) >= {
        "spm.assessment.saved",
        "spm.milestone.updated",
    }
    bad = client.post(f"/dasbor/rencana-aksi/{milestone.pk}/", {"owner": "", "status": "entah"})
    assert bad.status_code == 200 and b"errorlist" in bad.content
