"""The last public note of a report: one rule (incidents.public.selectors)
for the tracking page, the CEK answer and Open311's status_notes. The
intake's received note counts, in the reader's language; an internal note
never shows."""

import pytest
from django.utils import translation

from incidents.models import Channel
from incidents.open311.selectors import public_requests
from incidents.open311.shapes import service_request
from incidents.public.selectors import last_public_note
from incidents.workflow.services import incident_note_add, incident_transition

pytestmark = pytest.mark.django_db


def open311_note(incident):
    return service_request(public_requests().get(pk=incident.pk))["status_notes"]


def test_the_latest_public_note_wins_and_an_internal_note_never_shows(personas, make_incident):
    incident = make_incident()
    incident_transition(
        incident=incident, actor=personas.koordinator, to="diverifikasi", note="Tim BPBD menuju lokasi", public=True
    )
    incident_note_add(incident=incident, actor=personas.koordinator, text="catatan internal rahasia", public=False)
    assert last_public_note(incident) == "Tim BPBD menuju lokasi"
    assert open311_note(incident) == "Tim BPBD menuju lokasi"


def test_the_received_note_is_the_last_note_until_another_and_speaks_the_readers_language(personas, make_incident):
    incident = make_incident()
    incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    assert last_public_note(incident) == f"Laporan diterima melalui {Channel(incident.channel).label}."
    with translation.override("en"):
        english = last_public_note(incident)
        assert english == translation.gettext("Laporan diterima melalui %(channel)s.") % {
            "channel": Channel(incident.channel).label
        }
        assert open311_note(incident) == english
        assert english != f"Laporan diterima melalui {Channel(incident.channel).label}."


def test_a_report_without_a_public_note_has_none(personas, make_incident):
    incident = make_incident()
    incident.events.all().delete()
    incident_note_add(incident=incident, actor=personas.koordinator, text="catatan internal", public=False)
    assert last_public_note(incident) == ""
