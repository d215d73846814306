"""The report state machine, in one place.

    baru          -> diverifikasi | ditolak (reason) | duplikat (original report)
    diverifikasi  -> ditangani (at least one agency assigned)
    ditangani     -> selesai (resolution note)
    selesai       -> ditangani (reopen, reason)

Who may move a report is decided per transition: petugas of the report's
kecamatan and the koordinator verify, handle, finish and reopen; only the
koordinator rejects and marks duplicates (merging needs the whole-kabupaten
view petugas lack). Mitra, tim_efektif and pimpinan never change the status.

What a move does to the report's timestamps and deadlines is declared on the
transition (`effects`), so a status change reads top to bottom here; the
workflow service applies them, records the event and notifies.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from incidents.models import Status
from incidents.roles import KOORDINATOR, PETUGAS
from incidents.workflow import sla


def _verified(incident, now: datetime) -> dict:
    due = sla.followup_deadline(incident, now)
    return {"verified_at": now, "followup_due_at": due, "due_at": due, "escalated_at": None}


def _closed_without_resolution(incident, now: datetime) -> dict:
    return {"closed_at": now, "due_at": None, "assignment_requested_at": None}


def _handled(incident, now: datetime) -> dict:
    return {"handled_at": now}


def _resolved(incident, now: datetime) -> dict:
    return {"resolved_at": now, "closed_at": now, "due_at": None, "assignment_requested_at": None}


def _reopened(incident, now: datetime) -> dict:
    """A fresh follow-up window and a fresh chance to escalate."""
    due = sla.followup_deadline(incident, now)
    fields = {"resolved_at": None, "closed_at": None, "followup_due_at": due, "due_at": due, "escalated_at": None}
    if incident.handled_at is None:
        fields["handled_at"] = now
    return fields


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset
    label: str
    note_required: bool = False
    note_label: str = ""
    needs_assignment: bool = False
    needs_original: bool = False
    # (report before the move, now) -> the fields the move sets.
    effects: Callable[..., dict] | None = None

    def fields(self, incident, now: datetime) -> dict:
        """The report's fields after this move: the status, the first
        response if none was recorded yet, and the transition's effects."""
        out = {"status": self.target}
        if incident.first_response_at is None:
            out["first_response_at"] = now
        if self.effects:
            out.update(self.effects(incident, now))
        return out


TRANSITIONS = {
    (t.source, t.target): t
    for t in [
        Transition(
            Status.BARU, Status.DIVERIFIKASI, frozenset({PETUGAS, KOORDINATOR}), _("Verifikasi"), effects=_verified
        ),
        Transition(
            Status.BARU,
            Status.DITOLAK,
            frozenset({KOORDINATOR}),
            _("Tolak"),
            note_required=True,
            note_label=_("Alasan penolakan wajib diisi."),
            effects=_closed_without_resolution,
        ),
        Transition(
            Status.BARU,
            Status.DUPLIKAT,
            frozenset({KOORDINATOR}),
            _("Tandai duplikat"),
            needs_original=True,
            effects=_closed_without_resolution,
        ),
        Transition(
            Status.DIVERIFIKASI,
            Status.DITANGANI,
            frozenset({PETUGAS, KOORDINATOR}),
            _("Mulai penanganan"),
            needs_assignment=True,
            effects=_handled,
        ),
        Transition(
            Status.DITANGANI,
            Status.SELESAI,
            frozenset({PETUGAS, KOORDINATOR}),
            _("Selesaikan"),
            note_required=True,
            note_label=_("Catatan penyelesaian wajib diisi."),
            effects=_resolved,
        ),
        Transition(
            Status.SELESAI,
            Status.DITANGANI,
            frozenset({PETUGAS, KOORDINATOR}),
            _("Buka kembali"),
            note_required=True,
            note_label=_("Alasan membuka kembali wajib diisi."),
            effects=_reopened,
        ),
    ]
}


def get_transition(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get((str(source), str(target)))


def targets_from(source: str) -> list[str]:
    """Every status reachable from `source` by someone, in a stable order."""
    return [str(t.target) for t in TRANSITIONS.values() if t.source == source]
