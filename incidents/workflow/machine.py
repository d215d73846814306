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
from dataclasses import dataclass, replace
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
    roles: frozenset
    label: str
    # The message shown when the note is missing; a move without one needs no note.
    note_label: str = ""
    needs_assignment: bool = False
    needs_original: bool = False
    # (report before the move, now) -> the fields the move sets.
    effects: Callable[..., dict] | None = None
    # From the key the move has in TRANSITIONS.
    source: str = ""
    target: str = ""

    @property
    def note_required(self) -> bool:
        return bool(self.note_label)

    def fields(self, incident, now: datetime) -> dict:
        """The report's fields after this move: the status, the first
        response if none was recorded yet, and the transition's effects."""
        out = {"status": self.target}
        if incident.first_response_at is None:
            out["first_response_at"] = now
        if self.effects:
            out.update(self.effects(incident, now))
        return out


OFFICERS = frozenset({PETUGAS, KOORDINATOR})
KOORDINATOR_ONLY = frozenset({KOORDINATOR})

# (from, to): who may, the button's label, what the move needs, what it sets.
_MOVES = {
    (Status.BARU, Status.DIVERIFIKASI): Transition(OFFICERS, _("Verifikasi"), effects=_verified),
    (Status.BARU, Status.DITOLAK): Transition(
        KOORDINATOR_ONLY, _("Tolak"), note_label=_("Alasan penolakan wajib diisi."), effects=_closed_without_resolution
    ),
    (Status.BARU, Status.DUPLIKAT): Transition(
        KOORDINATOR_ONLY, _("Tandai duplikat"), needs_original=True, effects=_closed_without_resolution
    ),
    (Status.DIVERIFIKASI, Status.DITANGANI): Transition(
        OFFICERS, _("Mulai penanganan"), needs_assignment=True, effects=_handled
    ),
    (Status.DITANGANI, Status.SELESAI): Transition(
        OFFICERS, _("Selesaikan"), note_label=_("Catatan penyelesaian wajib diisi."), effects=_resolved
    ),
    (Status.SELESAI, Status.DITANGANI): Transition(
        OFFICERS, _("Buka kembali"), note_label=_("Alasan membuka kembali wajib diisi."), effects=_reopened
    ),
}
TRANSITIONS = {(source, target): replace(t, source=source, target=target) for (source, target), t in _MOVES.items()}


def get_transition(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get((str(source), str(target)))


def targets_from(source: str) -> list[str]:
    """Every status reachable from `source` by someone, in a stable order."""
    return [str(t.target) for t in TRANSITIONS.values() if t.source == source]
