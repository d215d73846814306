"""What the desk opens on for each role: the work to do, not every report.

The queue (/petugas/) and its map open on these filters when the address
carries none; "Semua" (`?status=`) is one tap away. The filters are the
queue's own (incidents.desk.filters), so the filter bar shows them and the
list, the map and an export agree.

- koordinator (and admin): new reports to verify and open ones awaiting an
  assignment;
- petugas: the open reports of their kecamatan (what they see is their area);
- mitra: the open reports assigned to their agency (what they see);
- tim efektif, pimpinan: the open reports.
"""

from django.utils.translation import gettext as _

from incidents.desk.filters import OPEN_ALIAS
from incidents.permissions import MITRA, PETUGAS, is_koordinator, user_roles

ALL_PARAMS = {"status": ""}  # a key present, no value: every report the user may see


def role_default_params(user) -> dict:
    if is_koordinator(user):
        return {"awaiting_coordinator": "1"}
    return {"status": OPEN_ALIAS}


def role_default_description(user) -> str:
    """What the role's default shows, in a sentence above the list."""
    if is_koordinator(user):
        return _(
            "Ditampilkan pekerjaan Anda: laporan baru yang perlu diverifikasi dan laporan yang menunggu penugasan."
        )
    roles = user_roles(user)
    if PETUGAS in roles:
        return _("Ditampilkan pekerjaan Anda: laporan yang masih berjalan di wilayah Anda.")
    if MITRA in roles:
        return _("Ditampilkan pekerjaan Anda: laporan yang ditugaskan ke instansi Anda dan masih berjalan.")
    return _("Ditampilkan laporan yang masih berjalan.")
