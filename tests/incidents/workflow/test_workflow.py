"""The report state machine: every pair of states, who may, what each move requires and records."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from incidents import permissions
from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.models import AuditLog, EventKind, Incident, IncidentEvent, Status
from incidents.public.selectors import public_events
from incidents.signals import incident_changed
from incidents.workflow import machine as workflow
from incidents.workflow.services import assignment_complete, incident_assign, incident_note_add, incident_transition
from tests.factories import DESA_NIBUNG
from tests.incidents.workflow.workflow_helpers import incident_in, valid_input

ALL = [s.value for s in Status]
EXPECTED = {
    ("baru", "diverifikasi"),
    ("baru", "ditolak"),
    ("baru", "duplikat"),
    ("diverifikasi", "ditangani"),
    ("ditangani", "selesai"),
    ("selesai", "ditangani"),
}


def test_the_machine_is_exactly_the_documented_one():
    assert set(workflow.TRANSITIONS) == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), list(itertools.product(ALL, ALL)))
def test_every_pair_of_states(personas, make_incident, source, target):
    incident = incident_in(source, personas.koordinator)
    other = make_incident()
    rule = workflow.get_transition(source, target)
    if rule is not None and rule.needs_assignment:
        incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    before_version = incident.version
    before_events = incident.events.count()
    kwargs = valid_input(source, target, other)
    if (source, target) in EXPECTED:
        incident_transition(incident=incident, actor=personas.koordinator, to=target, version=before_version, **kwargs)
        stored = Incident.objects.get(pk=incident.pk)
        assert stored.status == target
        assert stored.version == before_version + 1
        event = stored.events.order_by("-id").first()
        assert (event.kind, event.from_status, event.to_status) == (EventKind.TRANSITION, source, target)
        assert event.actor == personas.koordinator
    else:
        with pytest.raises(TransitionNotAllowed) as excinfo:
            incident_transition(
                incident=incident, actor=personas.koordinator, to=target, version=before_version, **kwargs
            )
        assert target not in excinfo.value.allowed
        stored = Incident.objects.get(pk=incident.pk)
        assert stored.status == source
        assert stored.version == before_version
        assert stored.events.count() == before_events


@pytest.mark.django_db
def test_timestamps_and_due_times_follow_the_status(personas):
    k = personas.koordinator
    incident = incident_in(Status.BARU, k)
    assert incident.due_at == incident.verify_due_at and incident.verified_at is None
    incident_transition(incident=incident, actor=k, to=Status.DIVERIFIKASI)
    assert incident.verified_at and incident.first_response_at
    assert incident.followup_due_at and incident.due_at == incident.followup_due_at
    incident_assign(incident=incident, actor=k, agency="bpbd")
    incident_transition(incident=incident, actor=k, to=Status.DITANGANI)
    assert incident.handled_at
    incident_transition(incident=incident, actor=k, to=Status.SELESAI, note="Tuntas")
    assert incident.resolved_at and incident.closed_at and incident.due_at is None
    incident_transition(incident=incident, actor=k, to=Status.DITANGANI, note="Terulang")
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.resolved_at is None and stored.closed_at is None
    assert stored.due_at is not None and stored.due_at == stored.followup_due_at
    assert stored.escalated_at is None


@pytest.mark.django_db
def test_reject_needs_a_reason_and_closes(personas):
    incident = incident_in(Status.BARU, personas.koordinator)
    with pytest.raises(ValidationError) as excinfo:
        incident_transition(incident=incident, actor=personas.koordinator, to=Status.DITOLAK, note="  ")
    assert "note" in excinfo.value.message_dict
    assert Incident.objects.get(pk=incident.pk).status == Status.BARU
    incident_transition(incident=incident, actor=personas.koordinator, to=Status.DITOLAK, note="Laporan palsu")
    assert incident.closed_at and incident.due_at is None


@pytest.mark.django_db
def test_finish_and_reopen_need_a_note(personas):
    incident = incident_in(Status.DITANGANI, personas.koordinator)
    with pytest.raises(ValidationError):
        incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.SELESAI)
    incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.SELESAI, note="Tuntas")
    with pytest.raises(ValidationError):
        incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.DITANGANI, note="")
    assert Incident.objects.get(pk=incident.pk).status == Status.SELESAI


@pytest.mark.django_db
def test_duplicate_needs_another_non_duplicate_original(personas, make_incident):
    k = personas.koordinator
    incident = incident_in(Status.BARU, k)
    for bad in (None, "", "KA-ZZZZ-ZZZZZ", incident.tracking_code, str(incident.pk)):
        with pytest.raises(ValidationError) as excinfo:
            incident_transition(incident=incident, actor=k, to=Status.DUPLIKAT, duplicate_of=bad)
        assert "duplicate_of" in excinfo.value.message_dict
    already_duplicate = incident_in(Status.DUPLIKAT, k)
    with pytest.raises(ValidationError):
        incident_transition(
            incident=incident, actor=k, to=Status.DUPLIKAT, duplicate_of=already_duplicate.tracking_code
        )
    original = make_incident()
    incident_transition(incident=incident, actor=k, to=Status.DUPLIKAT, duplicate_of=str(original.pk))
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.status == Status.DUPLIKAT and stored.duplicate_of == original
    assert stored.events.last().data["duplicate_of_code"] == original.tracking_code


@pytest.mark.django_db
def test_handling_needs_an_assignment(personas):
    incident = incident_in(Status.DIVERIFIKASI, personas.koordinator)
    assert Status.DITANGANI not in permissions.allowed_transitions(personas.officer_rupit, incident)
    with pytest.raises(TransitionNotAllowed):
        incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.DITANGANI)
    incident_assign(incident=incident, actor=personas.koordinator, agency="damkar")
    assert permissions.allowed_transitions(personas.officer_rupit, incident) == [Status.DITANGANI]
    incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.DITANGANI)
    assert incident.status == Status.DITANGANI


@pytest.mark.django_db
def test_who_may_move_a_report(personas):
    k = personas.koordinator
    incident = incident_in(Status.BARU, k)
    # petugas of the kecamatan verifies but neither rejects nor marks duplicates
    assert permissions.allowed_transitions(personas.officer_rupit, incident) == [Status.DIVERIFIKASI]
    with pytest.raises(PermissionDenied):
        incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.DITOLAK, note="x")
    # another kecamatan's officer does not even see it
    with pytest.raises(Http404):
        incident_transition(incident=incident, actor=personas.officer_nibung, to=Status.DIVERIFIKASI)
    # readers never write
    for reader in (personas.pimpinan, personas.tim_efektif):
        assert permissions.allowed_transitions(reader, incident) == []
        with pytest.raises(PermissionDenied):
            incident_transition(incident=incident, actor=reader, to=Status.DIVERIFIKASI)
    assert Incident.objects.get(pk=incident.pk).status == Status.BARU
    # a mitra whose agency is assigned sees it but does not move it
    incident_assign(incident=incident, actor=k, agency="bpbd")
    assert permissions.allowed_transitions(personas.mitra_bpbd, incident) == []
    with pytest.raises(PermissionDenied):
        incident_transition(incident=incident, actor=personas.mitra_bpbd, to=Status.DIVERIFIKASI)
    incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.DIVERIFIKASI)
    assert incident.status == Status.DIVERIFIKASI


@pytest.mark.django_db
def test_only_the_koordinator_assigns(personas):
    incident = incident_in(Status.DIVERIFIKASI, personas.koordinator)
    for user in (personas.officer_rupit, personas.pimpinan, personas.tim_efektif):
        with pytest.raises(PermissionDenied):
            incident_assign(incident=incident, actor=user, agency="polres")
    assignment = incident_assign(incident=incident, actor=personas.koordinator, agency="polres", note="Mohon patroli")
    assert assignment.agency.code == "polres"
    event = incident.events.get(kind=EventKind.ASSIGNMENT)
    assert event.data["agency"] == "polres" and event.actor == personas.koordinator
    with pytest.raises(ValidationError):
        incident_assign(incident=incident, actor=personas.koordinator, agency="polres")
    with pytest.raises(ValidationError):
        incident_assign(incident=incident, actor=personas.koordinator, agency="tidak-ada")


@pytest.mark.django_db
def test_closed_reports_are_not_assigned(personas):
    incident = incident_in(Status.DITOLAK, personas.koordinator)
    with pytest.raises(ValidationError):
        incident_assign(incident=incident, actor=personas.koordinator, agency="polres")
    assert not incident.assignments.exists()


@pytest.mark.django_db
def test_mitra_completes_only_its_own_assignment(personas):
    incident = incident_in(Status.DITANGANI, personas.koordinator)
    polres = incident_assign(incident=incident, actor=personas.koordinator, agency="polres")
    bpbd = incident.assignments.get(agency__code="bpbd")
    with pytest.raises(PermissionDenied):
        assignment_complete(assignment=polres, actor=personas.mitra_bpbd, note="Selesai")
    with pytest.raises(ValidationError):
        assignment_complete(assignment=bpbd, actor=personas.mitra_bpbd, note="")
    assignment_complete(assignment=bpbd, actor=personas.mitra_bpbd, note="Evakuasi selesai")
    bpbd.refresh_from_db()
    assert bpbd.completed_by == personas.mitra_bpbd and bpbd.completion_note == "Evakuasi selesai"
    assert incident.events.filter(kind=EventKind.ASSIGNMENT_DONE, actor=personas.mitra_bpbd).count() == 1
    with pytest.raises(ValidationError):
        assignment_complete(assignment=bpbd, actor=personas.mitra_bpbd, note="Lagi")
    # the report's status is the desk's decision, not the agency's
    assert Incident.objects.get(pk=incident.pk).status == Status.DITANGANI


@pytest.mark.django_db
def test_notes_public_and_internal(personas):
    incident = incident_in(Status.DIVERIFIKASI, personas.koordinator)
    incident_note_add(incident=incident, actor=personas.officer_rupit, text="Tim menuju lokasi", public=True)
    incident_note_add(incident=incident, actor=personas.officer_rupit, text="Nomor HP kepala desa 0812", public=False)
    shown = [e.note for e in public_events(incident)]
    assert "Tim menuju lokasi" in shown
    assert all("0812" not in note for note in shown)
    for reader in (personas.pimpinan, personas.tim_efektif):
        with pytest.raises(PermissionDenied):
            incident_note_add(incident=incident, actor=reader, text="x", public=False)
    with pytest.raises(Http404):
        incident_note_add(incident=incident, actor=personas.officer_nibung, text="x", public=False)
    with pytest.raises(Http404):  # mitra not assigned
        incident_note_add(incident=incident, actor=personas.mitra_polres, text="x", public=False)
    with pytest.raises(ValidationError):
        incident_note_add(incident=incident, actor=personas.officer_rupit, text="   ", public=False)


@pytest.mark.django_db
def test_internal_reason_of_a_status_change_stays_internal(personas):
    incident = incident_in(Status.BARU, personas.koordinator)
    incident_transition(
        incident=incident, actor=personas.koordinator, to=Status.DITOLAK, note="Pelapor iseng", public=False
    )
    shown = public_events(incident)
    assert [e.to_status for e in shown if e.kind == EventKind.TRANSITION] == [Status.DITOLAK]
    assert all("iseng" not in e.note for e in shown)


@pytest.mark.django_db
def test_stale_version_changes_nothing(personas):
    incident = incident_in(Status.BARU, personas.koordinator)
    incident_transition(incident=incident, actor=personas.officer_rupit, to=Status.DIVERIFIKASI, version=1)
    events = IncidentEvent.objects.filter(incident=incident).count()
    with pytest.raises(VersionConflict) as excinfo:
        incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd", version=1)
    assert excinfo.value.current_version == 2
    assert IncidentEvent.objects.filter(incident=incident).count() == events
    assert not incident.assignments.exists()


@pytest.mark.django_db
def test_every_change_sends_the_change_signal(personas):
    calls = []

    def receiver(*, incident, previous, **signal):
        calls.append((previous or {}).get("status"))

    incident_changed.connect(receiver, dispatch_uid="test-every-change")
    try:
        incident = incident_in(Status.BARU, personas.koordinator)
        calls.clear()
        incident_transition(incident=incident, actor=personas.koordinator, to=Status.DIVERIFIKASI)
        incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    finally:
        incident_changed.disconnect(dispatch_uid="test-every-change")
    assert calls == [Status.BARU, Status.DIVERIFIKASI]


@pytest.mark.django_db
def test_petugas_of_the_other_kecamatan_works_its_own(personas):
    incident = incident_in(Status.BARU, personas.koordinator, desa=DESA_NIBUNG)
    assert permissions.allowed_transitions(personas.officer_rupit, incident) == []
    incident_transition(incident=incident, actor=personas.officer_nibung, to=Status.DIVERIFIKASI)
    assert not AuditLog.objects.filter(action="incident.identity_viewed").exists()
