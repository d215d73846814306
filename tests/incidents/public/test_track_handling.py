"""/lacak/ says who has the report and by when its next step is due."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Assignment, Incident
from incidents.workflow.services import assignment_complete, incident_assign, incident_transition

pytestmark = pytest.mark.django_db


def facts(client, incident):
    html = client.get(reverse("track_code", args=[incident.tracking_code])).content.decode()
    return html.split('<dl class="track-facts">', 1)[1].split("</dl>", 1)[0]


def wib(moment):
    return f"{timezone.localtime(moment):%H.%M} WIB"


def test_a_new_report_is_with_satpol_pp_until_checked(client, make_incident):
    incident = make_incident()
    block = facts(client, incident)
    assert "Ditangani oleh" in block and "Satpol PP Kabupaten Musi Rawas Utara" in block
    assert "Target pemeriksaan" in block and wib(incident.due_at) in block
    assert "Target tindak lanjut" not in block
    assert "sudah lewat" not in block


def test_assigned_agencies_and_the_follow_up_deadline(client, personas, make_incident):
    incident = make_incident()
    incident = incident_transition(incident=incident, actor=personas.officer_rupit, to="diverifikasi")
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    incident_assign(incident=Incident.objects.get(pk=incident.pk), actor=personas.koordinator, agency="damkar")
    incident = Incident.objects.get(pk=incident.pk)
    block = facts(client, incident)
    assert "Badan Penanggulangan Bencana Daerah (BPBD)" in block and "Pemadam Kebakaran (Damkar)" in block
    assert "Satpol PP Kabupaten" not in block
    assert "Target tindak lanjut" in block and wib(incident.followup_due_at) in block

    # BPBD is done: only Damkar still has it.
    assignment_complete(
        assignment=Assignment.objects.get(incident=incident, agency__code="bpbd"),
        actor=personas.mitra_bpbd,
        note="Pompa air terpasang.",
    )
    block = facts(client, incident)
    assert "Damkar" in block and "BPBD" not in block


def test_an_overdue_step_says_so(client, make_incident):
    incident = make_incident()
    Incident.objects.filter(pk=incident.pk).update(due_at=timezone.now() - timedelta(hours=2))
    assert "sudah lewat" in facts(client, incident)


def test_a_closed_report_has_no_deadline_and_names_who_handled_it(client, personas, make_incident):
    incident = make_incident()
    incident = incident_transition(incident=incident, actor=personas.officer_rupit, to="diverifikasi")
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    incident = incident_transition(
        incident=Incident.objects.get(pk=incident.pk), actor=personas.koordinator, to="ditangani"
    )
    incident = incident_transition(
        incident=incident, actor=personas.koordinator, to="selesai", note="Air surut.", public=True
    )
    block = facts(client, incident)
    assert "BPBD" in block
    assert "Target" not in block


def test_a_rejected_report_names_nobody(client, personas, make_incident):
    incident = make_incident()
    incident_transition(incident=incident, actor=personas.koordinator, to="ditolak", note="Bukan di Muratara.")
    block = facts(client, Incident.objects.get(pk=incident.pk))
    assert "Ditangani oleh" not in block and "Target" not in block
