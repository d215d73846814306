"""The desk side of the message channels: the channel filter, the
conversation on the report page, and blocking numbers (koordinator only)."""

import pytest
from django.test import Client

from incidents.channels.models import BlockedNumber, InboundMessage
from incidents.models import AuditLog, Incident
from incidents.workflow.services import incident_assign
from kitaaman.models import OutboundMessage
from tests.incidents.channels.helpers import SENDER

pytestmark = pytest.mark.django_db

OTHER = "+6285200001111"


@pytest.fixture
def sms_report(sms):
    sms("LAPOR")
    sms("3")
    sms("Muara Rupit")
    sms("Air sungai meluap setinggi lutut sejak subuh.")
    sms("YA")
    return Incident.objects.get(channel="sms")


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_and_the_api_filter_by_channel(sms_report, personas, make_incident):
    web = make_incident()
    client = login(personas.koordinator)
    page = client.get("/petugas/", {"channel": "sms"}).content.decode()
    assert f"/petugas/laporan/{sms_report.pk}/" in page and f"/petugas/laporan/{web.pk}/" not in page
    page = client.get("/petugas/", {"channel": "web"}).content.decode()
    assert f"/petugas/laporan/{web.pk}/" in page and f"/petugas/laporan/{sms_report.pk}/" not in page
    rows = client.get("/api/v1/incidents/", {"channel": "sms,whatsapp"}).json()["results"]
    assert [r["tracking_code"] for r in rows] == [sms_report.tracking_code]
    response = client.get("/api/v1/incidents/", {"channel": "merpati"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["channel"] == ["Pilihan tidak dikenal: merpati."]
    # The page says so and shows the queue unfiltered, as for any bad filter.
    response = client.get("/petugas/", {"channel": "merpati"})
    assert response.status_code == 200 and "Sebagian saringan tidak valid" in response.content.decode()


def test_the_channel_filter_keeps_the_visibility_rule(sms_report, personas):
    page = login(personas.officer_nibung).get("/petugas/", {"channel": "sms"}).content.decode()
    assert f"/petugas/laporan/{sms_report.pk}/" not in page


def test_the_report_page_shows_the_conversation_that_produced_it(sms_report, personas):
    page = login(personas.officer_rupit).get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert 'id="percakapan"' in page and SENDER in page
    assert "Air sungai meluap setinggi lutut" in page
    assert sms_report.tracking_code in page and "Kejadian apa?" in page  # the answers sent back
    # The officer of the kecamatan sees it but may not block the number.
    assert "blokir-pengirim" not in page
    page = login(personas.koordinator).get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert f"/petugas/laporan/{sms_report.pk}/blokir-pengirim/" in page


def test_the_conversation_holds_only_what_the_resident_was_sent(sms_report, personas):
    """The ledger also holds the officers' alerts about the report: they are not part of the conversation."""
    OutboundMessage.objects.create(
        channel="sms", kind="incident_created", recipient="081200000001", text="Alert untuk petugas",
        incident_id=sms_report.pk,
    )  # fmt: skip
    page = login(personas.koordinator).get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert 'id="percakapan"' in page and "Alert untuk petugas" not in page


def test_a_partner_agency_never_sees_the_conversation(sms_report, personas):
    incident_assign(incident=sms_report, actor=personas.koordinator, agency="bpbd")
    page = login(personas.mitra_bpbd).get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert 'id="percakapan"' not in page and SENDER not in page and "+62812" not in page


def test_an_anonymous_reports_conversation_is_the_koordinators_after_reveal(sms_report, personas):
    Incident.objects.filter(pk=sms_report.pk).update(anonymous=True)
    page = login(personas.officer_rupit).get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert 'id="percakapan"' not in page and SENDER not in page
    client = login(personas.koordinator)
    assert 'id="percakapan"' not in client.get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    page = client.post(f"/petugas/laporan/{sms_report.pk}/identitas/").content.decode()
    assert 'id="percakapan"' in page and SENDER in page


def test_a_web_report_has_no_conversation(personas, make_incident):
    incident = make_incident()
    page = login(personas.koordinator).get(f"/petugas/laporan/{incident.pk}/").content.decode()
    assert 'id="percakapan"' not in page


# --- blocking numbers ---------------------------------------------------------------------------------


def test_koordinator_blocks_a_number_and_its_messages_are_kept_but_not_answered(sms, personas):
    client = login(personas.koordinator)
    assert client.get("/petugas/nomor-diblokir/").status_code == 200
    response = client.post("/petugas/nomor-diblokir/", {"number": "0812-3456-7890", "reason": "Pesan berulang"})
    assert response.status_code == 302
    blocked = BlockedNumber.objects.get()
    assert blocked.number == SENDER and blocked.blocked_by == personas.koordinator
    assert AuditLog.objects.filter(action="channels.number_blocked", actor=personas.koordinator).exists()
    assert sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang") == []
    message = InboundMessage.objects.get()
    assert (message.state, message.note) == ("ignored", "blocked")
    assert not Incident.objects.exists() and not OutboundMessage.objects.exists()
    # Unblocked, the number is heard again.
    client.post(f"/petugas/nomor-diblokir/{blocked.pk}/buka/")
    assert not BlockedNumber.objects.exists()
    assert AuditLog.objects.filter(action="channels.number_unblocked").exists()
    assert len(sms("halo")) == 1


def test_an_invalid_number_is_refused_with_a_message(personas):
    response = login(personas.koordinator).post("/petugas/nomor-diblokir/", {"number": "bukan nomor"})
    assert response.status_code == 400 and "Nomor telepon tidak valid" in response.content.decode()
    assert not BlockedNumber.objects.exists()


@pytest.mark.parametrize("persona", ["officer_rupit", "mitra_bpbd", "tim_efektif", "pimpinan"])
def test_only_the_koordinator_may_block_or_unblock(persona, personas):
    blocked = BlockedNumber.objects.create(number=OTHER)
    client = login(getattr(personas, persona))
    assert client.get("/petugas/nomor-diblokir/").status_code == 403
    assert client.post("/petugas/nomor-diblokir/", {"number": SENDER}).status_code == 403
    assert client.post(f"/petugas/nomor-diblokir/{blocked.pk}/buka/").status_code == 403
    assert list(BlockedNumber.objects.values_list("number", flat=True)) == [OTHER]


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/petugas/nomor-diblokir/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_blocking_the_sender_of_a_report(sms_report, personas):
    url = f"/petugas/laporan/{sms_report.pk}/blokir-pengirim/"
    assert login(personas.officer_rupit).post(url).status_code == 403
    assert login(personas.officer_nibung).post(url).status_code == 404
    assert not BlockedNumber.objects.exists()
    response = login(personas.koordinator).post(url)
    assert response.status_code == 302
    blocked = BlockedNumber.objects.get()
    assert blocked.number == SENDER and sms_report.tracking_code in blocked.reason


def test_blocking_the_sender_of_a_web_report_says_there_is_none(personas, make_incident):
    incident = make_incident()
    response = login(personas.koordinator).post(f"/petugas/laporan/{incident.pk}/blokir-pengirim/", follow=True)
    assert "tidak masuk lewat SMS atau WhatsApp" in response.content.decode()
    assert not BlockedNumber.objects.exists()


# --- flooding ------------------------------------------------------------------------------------------


def test_a_flooding_sender_is_told_once_and_then_ignored(sms, settings):
    settings.CHANNELS_SENDER_LIMIT = 3
    for _ in range(3):
        assert len(sms("halo")) == 1
    (notice,) = sms("halo")
    assert "Terlalu banyak pesan" in notice
    assert sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang") == []
    assert not Incident.objects.exists()
    assert InboundMessage.objects.filter(state="ignored", note="flood").count() == 2
    # Another number is not affected.
    assert len(sms("halo", sender=OTHER)) == 1
