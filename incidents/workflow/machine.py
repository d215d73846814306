"""The report state machine, in one place.

    baru          -> diverifikasi | ditolak (reason) | duplikat (original report)
    diverifikasi  -> ditangani (at least one agency assigned)
    ditangani     -> selesai (resolution note)
    selesai       -> ditangani (reopen, reason)

Who may move a report is decided per transition: petugas of the report's
kecamatan and the koordinator verify, handle, finish and reopen; only the
koordinator rejects and marks duplicates (merging needs the whole-kabupaten
view petugas lack). Mitra, tim_efektif and pimpinan never change the status.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from incidents.models import Status

PETUGAS = "petugas"
KOORDINATOR = "koordinator"


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


TRANSITIONS = {
    (t.source, t.target): t
    for t in [
        Transition(Status.BARU, Status.DIVERIFIKASI, frozenset({PETUGAS, KOORDINATOR}), _("Verifikasi")),
        Transition(
            Status.BARU,
            Status.DITOLAK,
            frozenset({KOORDINATOR}),
            _("Tolak"),
            note_required=True,
            note_label=_("Alasan penolakan wajib diisi."),
        ),
        Transition(Status.BARU, Status.DUPLIKAT, frozenset({KOORDINATOR}), _("Tandai duplikat"), needs_original=True),
        Transition(
            Status.DIVERIFIKASI,
            Status.DITANGANI,
            frozenset({PETUGAS, KOORDINATOR}),
            _("Mulai penanganan"),
            needs_assignment=True,
        ),
        Transition(
            Status.DITANGANI,
            Status.SELESAI,
            frozenset({PETUGAS, KOORDINATOR}),
            _("Selesaikan"),
            note_required=True,
            note_label=_("Catatan penyelesaian wajib diisi."),
        ),
        Transition(
            Status.SELESAI,
            Status.DITANGANI,
            frozenset({PETUGAS, KOORDINATOR}),
            _("Buka kembali"),
            note_required=True,
            note_label=_("Alasan membuka kembali wajib diisi."),
        ),
    ]
}


def get_transition(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get((str(source), str(target)))


def targets_from(source: str) -> list[str]:
    """Every status reachable from `source` by someone, in a stable order."""
    return [str(t.target) for t in TRANSITIONS.values() if t.source == source]
