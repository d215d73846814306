"""Warning pages: the public list, detail and banner (only published
messages), the CAP documents and feed, and the staff pages with the rules
of who sees and does what."""

import gzip
from datetime import timedelta

import pytest
from django.utils import timezone

from spm.warnings.models import Alert, State
from tests.factories import DESA_RUPIT
from tests.incidents.public.test_page_weight import BUDGET, assets_of
from tests.spm.warnings.conftest import DESA_RUPIT_2

pytestmark = pytest.mark.django_db


def test_the_banner_shows_active_warnings_on_home_and_report_pages(client, published, draft):
    live = published()
    draft(headline="Draf rahasia belum terbit")
    for page in ("/", "/lapor/"):
        html = client.get(page).content.decode()
        assert 'class="warning-banner"' in html, page
        assert f'href="/peringatan/{live.pk}/"' in html and "Banjir Sungai Rupit, warga bantaran siaga" in html
        assert "Banjir · Muara Rupit, Tanjung Beringin · berlaku s.d." in html and "WIB" in html
        assert "Draf rahasia" not in html
    # Other pages carry no banner.
    assert 'class="warning-banner"' not in client.get("/lacak/").content.decode()


def test_no_banner_without_an_active_warning(client, personas, published):
    alert = published(expires=timezone.now() + timedelta(minutes=30))
    from spm.warnings.services import alerts_expire

    alerts_expire(now=alert.expires)
    assert 'class="warning-banner"' not in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/", "/lapor/"])
def test_the_banner_adds_no_script_and_keeps_the_page_light(client, published, path):
    before = client.get(path).content
    for i in range(5):
        published(headline=f"Peringatan {i}")
    after = client.get(path).content
    # No extra script or stylesheet for the banner, and a few hundred bytes per warning.
    assert assets_of(after.decode()) == assets_of(before.decode())
    assert 0 < len(after) - len(before) < 5 * 1024
    # The page budget counts compressed bytes (what a phone downloads).
    assert len(gzip.compress(after)) < BUDGET // 3


def test_public_list_and_detail(client, published, draft, personas):
    live = published(onset=timezone.now() + timedelta(hours=1))
    hidden = draft(headline="Draf rahasia")
    html = client.get("/peringatan/").content.decode()
    assert live.headline in html and "Draf rahasia" not in html
    assert 'href="/cap/feed.atom"' in html
    response = client.get(f"/peringatan/{live.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pindahkan barang berharga" in html and 'id="peringatan-wilayah"' in html
    assert f'href="/cap/{live.identifier}.xml"' in html
    assert client.get(f"/peringatan/{hidden.pk}/").status_code == 404


def test_a_cancelled_warning_says_so_and_links_the_cancellation(client, published, personas):
    from spm.warnings.services import alert_cancel

    live = published()
    cancel = alert_cancel(actor=personas.koordinator, alert_id=live.pk, reason_code="ancaman-berlalu")
    html = client.get(f"/peringatan/{live.pk}/").content.decode()
    assert "sudah dibatalkan" in html and f'href="/peringatan/{cancel.pk}/"' in html


def test_cap_documents_and_feed_are_served_with_their_types(client, published, draft):
    live = published()
    hidden = draft()
    response = client.get(f"/cap/{live.identifier}.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/cap+xml; charset=utf-8"
    assert response.content.decode() == live.cap_xml
    assert client.get(f"/cap/{hidden.identifier}.xml").status_code == 404
    assert client.get("/cap/tidak-ada.xml").status_code == 404
    feed = client.get("/cap/feed.atom")
    assert feed["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert live.identifier in feed.content.decode() and hidden.identifier not in feed.content.decode()


# --- staff pages ---------------------------------------------------------------------------------


def test_the_desk_navigation_leads_to_the_warnings(client, personas):
    client.force_login(personas.officer_rupit)
    assert 'href="/petugas/peringatan/"' in client.get("/petugas/").content.decode()


def test_a_drafter_writes_a_draft_and_sees_the_preview(client, personas):
    client.force_login(personas.mitra_bpbd)
    assert client.get("/petugas/peringatan/baru/").status_code == 200
    expires = (timezone.localtime() + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/petugas/peringatan/baru/",
        {
            "event": "banjir",
            "urgency": "Expected",
            "severity": "Severe",
            "certainty": "Likely",
            "headline": "Banjir Sungai Rupit",
            "description": "Debit sungai naik.",
            "instruction": "Siapkan tas siaga.",
            "expires": expires,
            "areas": [DESA_RUPIT, DESA_RUPIT_2],
        },
    )
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/petugas/peringatan/{alert.pk}/"
    assert (alert.state, alert.created_by, timezone.localtime(alert.expires).strftime("%Y-%m-%dT%H:%M")) == (
        State.DRAFT,
        personas.mitra_bpbd,
        expires,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Sah menurut skema OASIS CAP 1.2" in html and "&lt;status&gt;Draft&lt;/status&gt;" in html
    assert "PERINGATAN BPBD MURATARA: Banjir Sungai Rupit." in html
    assert 'id="peringatan-wilayah"' in html and '"code": "16.13.01.1007"' in html
    assert 'data-testid="publish"' not in html  # a mitra does not publish


def test_bad_draft_input_is_explained_in_bahasa_indonesia(client, personas):
    client.force_login(personas.tim_efektif)
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/petugas/peringatan/baru/",
        {"event": "banjir", "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
         "headline": "x", "description": "y", "instruction": "z", "expires": past, "areas": ["16.13.99"]},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Masukkan pilihan yang valid" in html or "bukan salah satu" in html
    assert not Alert.objects.exists()
    response = client.post(
        "/petugas/peringatan/baru/",
        {"event": "banjir", "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
         "headline": "x", "description": "y", "instruction": "z", "expires": past, "areas": [DESA_RUPIT]},
    )  # fmt: skip
    assert "Waktu berakhir harus di masa depan." in response.content.decode()
    assert not Alert.objects.exists()


def test_the_author_sees_why_they_cannot_publish_and_the_second_person_publishes(client, personas, draft):
    alert = draft(actor=personas.tim_efektif)
    client.force_login(personas.tim_efektif)
    html = client.get(f"/petugas/peringatan/{alert.pk}/").content.decode()
    assert "prinsip empat mata" in html and 'data-testid="publish"' not in html
    response = client.post(f"/petugas/peringatan/{alert.pk}/terbitkan/", follow=True)
    assert "tidak boleh menerbitkannya sendiri" in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).state == State.DRAFT

    client.force_login(personas.koordinator)
    assert 'data-testid="publish"' in client.get(f"/petugas/peringatan/{alert.pk}/").content.decode()
    response = client.post(f"/petugas/peringatan/{alert.pk}/terbitkan/", follow=True)
    assert Alert.objects.get(pk=alert.pk).state == State.PUBLISHED
    html = response.content.decode()
    assert 'data-testid="progress"' in html and 'data-testid="sent">0<' in html


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_polres", "pimpinan"])
def test_read_only_staff_see_but_get_403_on_every_write(client, personas, draft, published, who):
    pending, live = draft(), published()
    client.force_login(getattr(personas, who))
    assert client.get("/petugas/peringatan/").status_code == 200
    html = client.get(f"/petugas/peringatan/{live.pk}/").content.decode()
    assert "Batalkan peringatan" not in html and "Susun pembaruan" not in html
    assert client.get("/petugas/peringatan/baru/").status_code == 403
    assert client.get(f"/petugas/peringatan/{pending.pk}/ubah/").status_code == 403
    assert client.get(f"/petugas/peringatan/{live.pk}/perbarui/").status_code == 403
    assert client.post(f"/petugas/peringatan/{pending.pk}/terbitkan/").status_code == 403
    assert client.post(f"/petugas/peringatan/{live.pk}/batalkan/", {"reason": "x"}).status_code == 403
    assert Alert.objects.get(pk=pending.pk).state == State.DRAFT
    assert Alert.objects.get(pk=live.pk).state == State.PUBLISHED


def test_update_and_cancel_from_the_published_warning_page(client, personas, published):
    live = published()
    client.force_login(personas.mitra_bpbd)
    form = client.get(f"/petugas/peringatan/{live.pk}/perbarui/")
    assert form.status_code == 200 and "Banjir Sungai Rupit, warga bantaran siaga" in form.content.decode()
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None}
    data.update(
        headline="Banjir meluas",
        expires=timezone.localtime(live.expires).strftime("%Y-%m-%dT%H:%M"),
        areas=[DESA_RUPIT],
    )
    data.pop("onset", None)
    response = client.post(f"/petugas/peringatan/{live.pk}/perbarui/", data)
    update = Alert.objects.get(msg_type="Update")
    assert response["Location"] == f"/petugas/peringatan/{update.pk}/"
    assert update.references == live and update.state == State.DRAFT

    response = client.post(f"/petugas/peringatan/{live.pk}/batalkan/", {"reason_code": "lainnya", "reason": ""})
    assert Alert.objects.get(pk=live.pk).state == State.PUBLISHED
    response = client.post(f"/petugas/peringatan/{live.pk}/batalkan/", {"reason_code": "ancaman-berlalu"})
    cancel = Alert.objects.get(msg_type="Cancel")
    assert response["Location"] == f"/petugas/peringatan/{cancel.pk}/"
    assert Alert.objects.get(pk=live.pk).state == State.CANCELLED
    # The pending update of a cancelled warning can no longer be published.
    client.force_login(personas.koordinator)
    response = client.post(f"/petugas/peringatan/{update.pk}/terbitkan/", follow=True)
    assert "sedang terbit" in response.content.decode()
    assert Alert.objects.get(pk=update.pk).state == State.DRAFT


def test_editing_is_for_drafts_only(client, personas, draft, published):
    pending, live = draft(), published()
    client.force_login(personas.tim_efektif)
    assert client.get(f"/petugas/peringatan/{pending.pk}/ubah/").status_code == 200
    assert client.get(f"/petugas/peringatan/{live.pk}/ubah/").status_code == 404


def test_the_pages_speak_english_when_chosen(client, published):
    live = published(
        headline_en="Rupit River flood, riverside residents on alert",
        description_en="The Rupit River rose 1.5 m in 6 hours.",
    )
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Active early warnings" in html and "valid until" in html and "Flood" in html
    html = client.get(f"/peringatan/{live.pk}/").content.decode()
    assert "What to do" in html and "Valid until" in html
    assert "<h1>Rupit River flood, riverside residents on alert</h1>" in html and "rose 1.5 m" in html
    assert "Get early warnings for your desa" in client.get("/peringatan/langganan/").content.decode()


def test_the_banner_is_read_from_the_cache_and_renewed_on_every_change(client, published, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from spm.warnings.services import alert_cancel, alerts_expire

    assert 'class="warning-banner"' not in client.get("/").content.decode()
    # Publishing shows at once, although an empty banner was cached a moment ago.
    live = published(headline="Banjir susulan, warga Rupit siaga")
    assert "Banjir susulan" in client.get("/").content.decode()
    # A warm banner costs no query on the home page.
    with CaptureQueriesContext(connection) as queries:
        assert "Banjir susulan" in client.get("/").content.decode()
    assert not [q for q in queries.captured_queries if "warnings_" in q["sql"]]
    # A cancellation takes the warning off at once.
    alert_cancel(actor=personas.koordinator, alert_id=live.pk, reason_code="ancaman-berlalu")
    assert "Banjir susulan" not in client.get("/").content.decode()
    # An expired warning leaves the banner at its expiry, before the sweep has run.
    soon = published(headline="Longsor Karang Dapo", expires=timezone.now() + timedelta(seconds=2))
    assert "Longsor Karang Dapo" in client.get("/lapor/").content.decode()
    Alert.objects.filter(pk=soon.pk).update(expires=timezone.now() - timedelta(seconds=1))  # no signal
    from spm.warnings import selectors

    cached = selectors.cache.get(selectors.BANNER_KEY)
    assert cached["until"] <= soon.expires
    cached["until"] = timezone.now() - timedelta(seconds=1)  # what the clock does two seconds later
    selectors.cache.set(selectors.BANNER_KEY, cached, 60)
    assert "Longsor Karang Dapo" not in client.get("/").content.decode()
    assert alerts_expire() == 1
