"""Random walks over the workflow (Hypothesis): whatever sequence of moves the
desk tries, the stored report stays consistent with its events."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.models import EventKind, Incident, Status
from incidents.workflow import machine as workflow
from incidents.workflow.services import incident_assign, incident_transition
from tests import factories

STATUSES = [s.value for s in Status]


@pytest.mark.django_db(transaction=False)
def test_workflow_state_machine(personas, make_incident):
    original = make_incident()

    class Workflow(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.incident = factories.make_incident()
            self.model_status = Status.BARU
            self.model_version = 1
            self.assigned = False

        @rule(to=st.sampled_from(STATUSES), stale=st.booleans())
        def move(self, to, stale):
            version = self.model_version - 1 if stale else self.model_version
            rule_ = workflow.get_transition(self.model_status, to)
            kwargs = {"note": "alasan", "duplicate_of": original.tracking_code}
            try:
                incident_transition(
                    incident=self.incident, actor=personas.koordinator, to=to, version=version, **kwargs
                )
            except VersionConflict:
                assert stale
                return
            except TransitionNotAllowed:
                assert rule_ is None or (rule_.needs_assignment and not self.assigned)
                return
            assert not stale and rule_ is not None
            assert not (rule_.needs_assignment and not self.assigned)
            self.model_status = to
            self.model_version += 1

        @rule(agency=st.sampled_from(["bpbd", "polres", "damkar"]))
        def assign(self, agency):
            if self.model_status not in (Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI):
                return
            if self.incident.assignments.filter(agency__code=agency).exists():
                return
            incident_assign(
                incident=self.incident, actor=personas.koordinator, agency=agency, version=self.model_version
            )
            self.model_version += 1
            self.assigned = True

        @invariant()
        def consistent(self):
            if not hasattr(self, "incident"):
                return
            stored = Incident.objects.get(pk=self.incident.pk)
            assert stored.status == self.model_status
            assert stored.version == self.model_version
            last = stored.events.filter(kind__in=[EventKind.TRANSITION, EventKind.CREATED]).order_by("-id").first()
            assert last.to_status == stored.status
            assert (stored.due_at is None) == (
                stored.status not in (Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI)
            )
            if stored.status == Status.DUPLIKAT:
                assert stored.duplicate_of_id == original.pk

    Workflow.TestCase.settings = settings(
        max_examples=15, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
    )
    Workflow.TestCase().runTest()
