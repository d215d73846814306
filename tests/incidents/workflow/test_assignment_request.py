"""A petugas who verified a report asks the koordinator for an assignment
("Minta penugasan"): the service, who may and who may not, the notification,
the report page and the koordinator's queue."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from incidents.models import EventKind, Incident, IncidentEvent, StaffProfile
from incidents.workflow.assignment_request import assignment_request_create
from incidents.workflow.services import incident_assign, incident_transition
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.sms import LocmemSmsBackend
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db
TASK = "incidents.notify.tasks.deliver_assignment_request"


@pytest.fixture
def verified(personas, make_incident):
    incident = make_incident(category="ketertiban-umum")
    incident_transition(incident=incident, actor=personas.officer_rupit, to="diverifikasi")
    incident.refresh_from_db()
    return incident


def request_url(incident):
    return reverse("desk:request_assignment", args=[incident.pk])


def detail_url(incident):
    return reverse("desk:detail", args=[incident.pk])


def test_petugas_asks_and_the_koordinator_is_told(personas, verified, django_capture_on_commit_callbacks):
    StaffProfile.objects.filter(user=personas.koordinator).update(phone="081200000009")
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    version = verified.version
    with django_capture_on_commit_callbacks(execute=True):
        event = assignment_request_create(
            incident=verified, actor=personas.officer_rupit, agency="satpol-pp", note="Perlu penertiban lapak."
        )
    assert (event.kind, event.actor, event.public) == (EventKind.ASSIGNMENT_REQUEST, personas.officer_rupit, False)
    assert event.note == "Perlu penertiban lapak."
    assert event.data["agency"] == "satpol-pp"
    stored = Incident.objects.get(pk=verified.pk)
    assert stored.assignment_requested_at == event.created_at
    # Asking changes no report data, so a koordinator with the page open assigns without a conflict.
    assert stored.version == version and stored.status == "diverifikasi"
    assert OutboxMessage.objects.filter(task_name=TASK, kwargs={"incident_id": verified.pk, "event_id": event.pk})
    # (The relay also delivers the citizen's earlier status mail, still pending in this test.)
    requests = [m for m in mail.outbox if "Permintaan penugasan" in m.subject]
    assert [m.to for m in requests] == [["koordinator@example.test"]]
    message = requests[0]
    assert verified.tracking_code in message.subject
    assert f"/petugas/laporan/{verified.pk}/" in message.body and "Perlu penertiban lapak." in message.body
    assert "Satpol PP" in message.body
    for body in (message.body, message.alternatives[0][0]):
        assert "Siti" not in body and "081234567890" not in body  # never the reporter
    assert [sms["to"] for sms in LocmemSmsBackend.outbox] == ["081200000009"]
    assert set(OutboundMessage.objects.filter(kind="assignment_request").values_list("state", flat=True)) == {"sent"}


def test_a_second_request_while_one_is_pending_changes_nothing(personas, verified):
    assignment_request_create(incident=verified, actor=personas.officer_rupit)
    events = IncidentEvent.objects.count()
    outbox = OutboxMessage.objects.count()
    with pytest.raises(ValidationError) as exc:
        assignment_request_create(incident=verified, actor=personas.officer_rupit, note="lagi")
    assert "menunggu koordinator" in exc.value.message_dict["request"][0]
    assert (IncidentEvent.objects.count(), OutboxMessage.objects.count()) == (events, outbox)


def test_assignment_answers_the_request_and_another_may_follow(personas, verified):
    assignment_request_create(incident=verified, actor=personas.officer_rupit, agency="bpbd")
    incident_assign(incident=verified, actor=personas.koordinator, agency="bpbd")
    assert Incident.objects.get(pk=verified.pk).assignment_requested_at is None
    incident_transition(incident=verified, actor=personas.officer_rupit, to="ditangani")
    # Handling shows another agency is needed.
    event = assignment_request_create(incident=verified, actor=personas.officer_rupit, agency="polres")
    assert event.data["agency"] == "polres"
    incident_assign(incident=verified, actor=personas.koordinator, agency="polres")
    with pytest.raises(ValidationError) as exc:
        assignment_request_create(incident=verified, actor=personas.officer_rupit, agency="polres")
    assert "sudah ditugaskan" in exc.value.message_dict["agency"][0]


def test_closing_the_report_answers_the_request(personas, make_incident):
    incident = make_incident()
    assignment_request_create(incident=incident, actor=personas.officer_rupit)
    incident_transition(incident=incident, actor=personas.koordinator, to="ditolak", note="Bukan kejadian.")
    assert Incident.objects.get(pk=incident.pk).assignment_requested_at is None
    with pytest.raises(ValidationError) as exc:
        assignment_request_create(incident=incident, actor=personas.officer_rupit)
    assert "sudah ditutup" in exc.value.message_dict["request"][0]


@pytest.mark.parametrize(
    "agency,message", [("tidak-ada", "Instansi tidak dikenal."), ("bpbd", "sudah ditugaskan ke BPBD")]
)
def test_bad_suggestion_is_refused_with_a_message(personas, verified, agency, message):
    incident_assign(incident=verified, actor=personas.koordinator, agency="bpbd")
    with pytest.raises(ValidationError) as exc:
        assignment_request_create(incident=verified, actor=personas.officer_rupit, agency=agency)
    assert message in exc.value.message_dict["agency"][0]
    assert Incident.objects.get(pk=verified.pk).assignment_requested_at is None


@pytest.mark.parametrize(
    "who,error",
    [
        ("officer_nibung", Http404),  # may not even see the report
        ("koordinator", PermissionDenied),  # assigns directly
        ("admin", PermissionDenied),
        ("mitra_bpbd", PermissionDenied),
        ("tim_efektif", PermissionDenied),
        ("pimpinan", PermissionDenied),
    ],
)
def test_who_may_not_ask(personas, verified, who, error):
    incident_assign(incident=verified, actor=personas.koordinator, agency="bpbd")  # so BPBD sees it
    with pytest.raises(error):
        assignment_request_create(incident=verified, actor=getattr(personas, who))
    assert not IncidentEvent.objects.filter(kind=EventKind.ASSIGNMENT_REQUEST).exists()


# --- the page ------------------------------------------------------------------------------------


def test_petugas_page_says_who_assigns_and_offers_the_request(client, personas, verified):
    client.force_login(personas.officer_rupit)
    body = client.get(detail_url(verified)).content.decode()
    assert "baru dapat ditangani setelah minimal satu instansi ditugaskan" in body
    assert "Instansi ditugaskan oleh koordinator" in body and "koordinator" in body
    assert request_url(verified) in body and "Minta penugasan" in body
    response = client.post(
        request_url(verified), {"minta-agency": "satpol-pp", "minta-note": "Lapak di bahu jalan."}, follow=True
    )
    assert response.redirect_chain == [(detail_url(verified), 302)]
    body = response.content.decode()
    assert "Permintaan penugasan dikirim ke koordinator" in body
    assert "Menunggu penugasan" in body and "Lapak di bahu jalan." in body
    assert request_url(verified) not in body  # no second request while one waits


def test_koordinator_sees_the_request_with_the_suggested_agency_chosen(client, personas, verified):
    assignment_request_create(incident=verified, actor=personas.officer_rupit, agency="satpol-pp", note="Mohon.")
    client.force_login(personas.koordinator)
    response = client.get(detail_url(verified))
    body = response.content.decode()
    officer = personas.officer_rupit
    assert "Menunggu penugasan" in body and (officer.get_full_name() or officer.username) in body
    assert response.context["assign_form"]["agency"].value() == "satpol-pp"
    assert request_url(verified) not in body


@pytest.mark.parametrize("who,status", [("koordinator", 403), ("pimpinan", 403), ("officer_nibung", 404)])
def test_the_action_refuses_others(client, personas, verified, who, status):
    client.force_login(getattr(personas, who))
    assert client.post(request_url(verified), {"minta-note": "x"}).status_code == status
    assert Incident.objects.get(pk=verified.pk).assignment_requested_at is None


def test_the_action_needs_a_login_and_a_post(client, personas, verified):
    response = client.post(request_url(verified))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(personas.officer_rupit)
    assert client.get(request_url(verified)).status_code == 405


def test_bad_input_gets_a_message_not_a_500(client, personas, verified):
    client.force_login(personas.officer_rupit)
    response = client.post(request_url(verified), {"minta-agency": "tidak-ada", "minta-note": "x" * 6000})
    assert response.status_code == 400
    assert "Periksa kembali isian yang ditandai." in response.content.decode()
    assert Incident.objects.get(pk=verified.pk).assignment_requested_at is None


def test_koordinator_queue_lists_pending_requests(client, personas, verified, make_incident):
    other = make_incident()
    nibung = make_incident(desa=DESA_NIBUNG)
    assignment_request_create(incident=verified, actor=personas.officer_rupit)
    assignment_request_create(incident=nibung, actor=personas.officer_nibung)
    client.force_login(personas.koordinator)
    home = client.get(reverse("desk:home"))
    assert home.context["requested_count"] == 2
    assert "assignment_requested=1" in home.context["requested_url"]
    response = client.get(reverse("desk:home"), {"assignment_requested": "1"})
    found = {row["incident"].tracking_code for row in response.context["rows"]}
    assert found == {verified.tracking_code, nibung.tracking_code}
    assert other.tracking_code not in found
    assert "badge-request" in response.content.decode()
    # The staff API and the exports read the same filter.
    api = client.get("/api/v1/incidents/", {"assignment_requested": "true"}).json()["results"]
    assert {row["tracking_code"] for row in api} == found
    bad = client.get("/api/v1/incidents/", {"assignment_requested": "kadang"})
    assert bad.status_code == 400
    # A petugas's tab counts only the requests of their own kecamatan.
    client.force_login(personas.officer_rupit)
    assert client.get(reverse("desk:home")).context["requested_count"] == 1
