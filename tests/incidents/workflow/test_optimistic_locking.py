"""Two desks saving the same report: exactly one wins, the other is told (409)
and nothing is silently overwritten."""

import threading

import pytest
from django.db import connection

from incidents.exceptions import VersionConflict
from incidents.models import EventKind, Incident, IncidentEvent, Status
from incidents.workflow.services import incident_transition, incident_update, save_versioned


def race(*jobs):
    """Run the jobs in threads released together; returns each one's outcome."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            job()
            outcomes[i] = "ok"
        except VersionConflict:
            outcomes[i] = "conflict"
        except Exception as exc:  # surfaced by the assertion below
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_edits_one_wins(require_postgres, personas, make_incident):
    incident = make_incident()
    a = Incident.objects.get(pk=incident.pk)
    b = Incident.objects.get(pk=incident.pk)
    outcomes = race(
        lambda: incident_update(incident=a, actor=personas.officer_rupit, version=1, priority=4, title="Versi A"),
        lambda: incident_update(incident=b, actor=personas.koordinator, version=1, priority=1, title="Versi B"),
    )
    assert sorted(outcomes) == ["conflict", "ok"], outcomes
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.version == 2
    winner = "Versi A" if outcomes[0] == "ok" else "Versi B"
    assert stored.title == winner
    assert IncidentEvent.objects.filter(incident=incident, kind=EventKind.EDIT).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_transitions_one_wins(require_postgres, personas, make_incident):
    incident = make_incident()
    a = Incident.objects.get(pk=incident.pk)
    b = Incident.objects.get(pk=incident.pk)
    original = make_incident()
    outcomes = race(
        lambda: incident_transition(incident=a, actor=personas.officer_rupit, to=Status.DIVERIFIKASI, version=1),
        lambda: incident_transition(
            incident=b, actor=personas.koordinator, to=Status.DUPLIKAT, version=1, duplicate_of=original.tracking_code
        ),
    )
    assert sorted(outcomes) == ["conflict", "ok"], outcomes
    stored = Incident.objects.get(pk=incident.pk)
    assert stored.version == 2
    assert stored.status == (Status.DIVERIFIKASI if outcomes[0] == "ok" else Status.DUPLIKAT)
    assert IncidentEvent.objects.filter(incident=incident, kind=EventKind.TRANSITION).count() == 1


@pytest.mark.django_db
def test_conditional_update_refuses_a_version_changed_underneath(personas, make_incident):
    """Even without the row lock, the UPDATE itself checks the version."""
    incident = make_incident()
    stale = Incident.objects.get(pk=incident.pk)
    Incident.objects.filter(pk=incident.pk).update(version=2, title="Orang lain")
    with pytest.raises(VersionConflict) as excinfo:
        save_versioned(stale, {"title": "Saya"})
    assert excinfo.value.current_version == 2
    assert Incident.objects.get(pk=incident.pk).title == "Orang lain"


@pytest.mark.django_db
def test_sequential_stale_save_is_a_conflict(personas, make_incident):
    incident = make_incident()
    first = Incident.objects.get(pk=incident.pk)
    second = Incident.objects.get(pk=incident.pk)
    incident_update(incident=first, actor=personas.officer_rupit, version=first.version, priority=4)
    with pytest.raises(VersionConflict):
        incident_update(incident=second, actor=personas.officer_rupit, version=second.version, priority=1)
    assert Incident.objects.get(pk=incident.pk).priority == 4
