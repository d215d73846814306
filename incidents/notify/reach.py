"""Whether an assignment to an agency reaches anybody: the agency's own
e-mail address, or an active account attached to the agency (its members are
e-mailed when they have an address, messages_assignment, and see the
assignment in their queue when they sign in). An agency with neither hears
nothing from KITA AMAN: the koordinator must call it, and the admin should
complete its data. Read by the desk when a koordinator assigns and by
spm.data_health."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from incidents.models import Agency, StaffProfile


def _unreachable(qs: QuerySet[Agency]) -> QuerySet[Agency]:
    members = StaffProfile.objects.filter(agency_id=OuterRef("pk"), user__is_active=True)
    return qs.filter(email="").exclude(Exists(members))


def agencies_unreachable() -> QuerySet[Agency]:
    """Active agencies with no e-mail and no active account."""
    return _unreachable(Agency.objects.filter(active=True)).order_by("sort_order", "name")


def agency_unreachable_warning(agency: Agency) -> str | None:
    """What to tell the koordinator who just assigned `agency`, or None."""
    if not _unreachable(Agency.objects.filter(pk=agency.pk)).exists():
        return None
    if agency.phone:
        return _(
            "%(agency)s tidak akan menerima pemberitahuan penugasan: instansi ini belum memiliki e-mail dan belum "
            "ada akun petugasnya di KITA AMAN. Hubungi instansi langsung (telepon %(phone)s) dan minta admin "
            "melengkapi datanya."
        ) % {"agency": agency, "phone": agency.phone}
    return _(
        "%(agency)s tidak akan menerima pemberitahuan penugasan: instansi ini belum memiliki e-mail dan belum "
        "ada akun petugasnya di KITA AMAN. Hubungi instansi langsung dan minta admin melengkapi datanya."
    ) % {"agency": agency}
