"""Officers write to the reporter of an SMS report from the desk, through the
outbound ledger, and the reporter answers by SMS: replayed through the signed
webhook against the fake gateway on 127.0.0.1."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from incidents.channels.models import Contact
from incidents.channels.reporter_messages import reporter_message_check, reporter_message_send
from incidents.models import EventKind, Incident, IncidentEvent
from incidents.workflow.services import incident_assign
from kitaaman.gsm import is_gsm7, segments
from tests.incidents.channels.helpers import SENDER

pytestmark = pytest.mark.django_db

QUESTION = "Apakah air sudah surut? Berapa keluarga yang masih di atap – mohon dijawab “segera”."


@pytest.fixture
def sms_report(sms):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    return Incident.objects.get()


def login(user):
    client = Client()
    client.force_login(user)
    return client


def post_message(client, incident, text=QUESTION):
    return client.post(f"/petugas/laporan/{incident.pk}/pesan-pelapor/", {"text": text})


def test_an_officer_writes_and_the_reporter_answers_by_sms(sms_report, personas, provider, committing, sms):
    client = login(personas.officer_rupit)
    page = client.get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert "Kirim pesan ke pelapor" in page
    with committing():
        response = post_message(client, sms_report)
    assert response.status_code == 302
    message = provider.sms_texts()[-1]
    # The ledger made it GSM-7 and sends it whole, across parts.
    assert is_gsm7(message) and sms_report.tracking_code in message and "Balas pesan ini" in message
    # In UCS-2 (the curly quotes, the dash) it would cost 3 parts; in GSM-7 one.
    assert 'mohon dijawab "segera".' in message and segments(message) == 1
    event = sms_report.events.get(kind=EventKind.REPORTER_MESSAGE)
    assert not event.public and event.note == QUESTION and event.actor == personas.officer_rupit
    assert SENDER not in str(event.data)
    # A plain "ya" is the answer to the officer, not a courtesy to ignore.
    (ack,) = sms("ya pak, sudah surut, tinggal 2 keluarga")
    assert ack == f"Jawaban Anda diteruskan ke petugas (laporan {sms_report.tracking_code})." and segments(ack) == 1
    answer = sms_report.events.get(data__reporter_addition=True)
    assert answer.data["answer"] and "tinggal 2 keluarga" in answer.note
    page = client.get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert "Pesan ke pelapor" in page and "Jawaban pelapor: ya pak, sudah surut" in page


def test_the_answer_after_the_window_needs_balas(sms_report, personas, committing, sms):
    with committing():
        reporter_message_send(incident=sms_report, actor=personas.koordinator, text="Di mana tepatnya?")
    IncidentEvent.objects.filter(kind=EventKind.REPORTER_MESSAGE).update(
        created_at=IncidentEvent.objects.get(kind=EventKind.REPORTER_MESSAGE).created_at - timedelta(days=2)
    )
    sms_report.conversations.update(closed_at=sms_report.conversations.get().closed_at - timedelta(days=2))
    (help_text,) = sms("dekat masjid")
    assert "LAPOR" in help_text and not sms_report.events.filter(data__reporter_addition=True).exists()
    (ack,) = sms(f"BALAS {sms_report.tracking_code} dekat masjid Al-Ikhlas")
    assert "diteruskan ke petugas" in ack
    assert sms_report.events.get(data__reporter_addition=True).data["answer"]


def test_an_anonymous_reporter_is_reached_without_the_number_shown(sms, personas, provider, committing):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    sms("RAHASIA")
    incident = Incident.objects.get()
    assert incident.anonymous
    client = login(personas.officer_rupit)
    page = client.get(f"/petugas/laporan/{incident.pk}/").content.decode()
    assert "Kirim pesan ke pelapor" in page and SENDER not in page and "+62812" not in page
    with committing():
        assert post_message(client, incident, "Terima kasih, tim menuju lokasi.").status_code == 302
    assert "tim menuju lokasi" in provider.sms_texts()[-1]
    page = client.get(f"/petugas/laporan/{incident.pk}/").content.decode()
    assert SENDER not in page and "+62812" not in page


@pytest.mark.parametrize("persona, status", [("officer_nibung", 404), ("mitra_polres", 404), ("pimpinan", 403)])
def test_who_may_not_write_to_the_reporter(sms_report, personas, provider, committing, persona, status):
    incident_assign(incident=sms_report, actor=personas.koordinator, agency="bpbd")
    user = getattr(personas, persona)
    before = len(provider.sms_texts())
    with committing():
        response = post_message(login(user), sms_report)
    assert response.status_code == status
    assert len(provider.sms_texts()) == before
    assert not sms_report.events.filter(kind=EventKind.REPORTER_MESSAGE).exists()
    if status == 403:
        assert "Kirim pesan ke pelapor" not in login(user).get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
        with pytest.raises(PermissionDenied):
            reporter_message_check(user, sms_report)


@pytest.mark.parametrize("persona", ["koordinator", "officer_rupit", "mitra_bpbd"])
def test_who_may_write_to_the_reporter(sms_report, personas, committing, persona):
    incident_assign(incident=sms_report, actor=personas.koordinator, agency="bpbd")
    with committing():
        response = post_message(login(getattr(personas, persona)), sms_report)
    assert response.status_code == 302
    assert sms_report.events.filter(kind=EventKind.REPORTER_MESSAGE).count() == 1


def test_a_reporter_who_sent_stop_is_not_written_to(sms_report, personas, provider, committing, sms):
    sms("STOP")
    assert Contact.objects.filter(number=SENDER, opted_out_at__isnull=False).exists()
    client = login(personas.officer_rupit)
    page = client.get(f"/petugas/laporan/{sms_report.pk}/").content.decode()
    assert "membalas STOP" in page and 'action="/petugas/laporan/' + str(sms_report.pk) + '/pesan-pelapor/"' not in page
    before = len(provider.sms_texts())
    with committing():
        response = post_message(client, sms_report)
    assert response.status_code == 400 and len(provider.sms_texts()) == before


def test_a_web_report_offers_no_message_form(personas, make_incident, client):
    web = make_incident()
    client = login(personas.koordinator)
    assert "Kirim pesan ke pelapor" not in client.get(f"/petugas/laporan/{web.pk}/").content.decode()
    response = post_message(client, web)
    assert response.status_code == 400
    assert not web.events.filter(kind=EventKind.REPORTER_MESSAGE).exists()


def test_an_empty_or_too_long_message_is_refused(sms_report, personas):
    client = login(personas.officer_rupit)
    assert post_message(client, sms_report, "  ").status_code == 400
    response = post_message(client, sms_report, "a" * 601)
    assert response.status_code == 400
    assert not sms_report.events.filter(kind=EventKind.REPORTER_MESSAGE).exists()


def test_a_long_message_goes_whole_across_parts(sms_report, personas, provider, committing):
    text = " ".join(["Mohon warga RT 03 mengungsi ke SD Negeri 1 sebelum malam, perahu karet siaga di jembatan."] * 6)
    assert len(text) <= 600
    with committing():
        assert post_message(login(personas.koordinator), sms_report, text).status_code == 302
    message = provider.sms_texts()[-1]
    assert message.endswith("perahu karet siaga di jembatan. Balas pesan ini untuk menjawab.")
    assert is_gsm7(message) and segments(message) == 5
