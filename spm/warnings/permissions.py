"""Who may do what with early warnings.

    drafts, updates, cancels   staff of the BPBD (any role) and the Tim Efektif
    publishes                  a koordinator or Tim Efektif member who neither
                               drafted nor edited the draft (four-eyes rule)
    reads (desk pages, API)    every staff role
    reads published messages   everyone (/peringatan/, /cap/)

    cancels at once            the same people, with a reason from the fixed
                               list (CancelReason); a cancellation in the
                               author's own words is a draft like any other

A superuser acts with the koordinator's powers and may also draft; the
four-eyes rule binds them like anyone else.

The *_check functions raise PermissionDenied with the reason. The services
call them, and so do the desk pages and the API views before they read a form
or look a warning up: a role without the right gets 403 whatever it sent.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from incidents.models import StaffProfile
from incidents.permissions import is_desk_user, user_roles
from incidents.roles import ADMIN, KOORDINATOR, TIM_EFEKTIF

PUBLISHER_ROLES = frozenset({KOORDINATOR, TIM_EFEKTIF, ADMIN})


def _is_drafter_agency(user) -> bool:
    # Computed once per request (the user object lives as long as the request).
    cache = "_kitaaman_warning_agency"
    if not hasattr(user, cache):
        setattr(
            user,
            cache,
            StaffProfile.objects.filter(user_id=user.pk, agency__code=settings.WARNINGS_DRAFTER_AGENCY).exists(),
        )
    return getattr(user, cache)


def can_read(user) -> bool:
    return is_desk_user(user)


def can_draft(user) -> bool:
    roles = user_roles(user)
    if not roles:
        return False
    return bool(roles & {TIM_EFEKTIF, ADMIN}) or _is_drafter_agency(user)


def can_publish_any(user) -> bool:
    """Holds a role that publishes (the alert-specific checks come on top)."""
    return bool(user_roles(user) & PUBLISHER_ROLES)


def can_cancel(user) -> bool:
    return can_draft(user) or can_publish_any(user)


def is_author(user, alert) -> bool:
    """Drafted or edited the draft: the four-eyes rule keeps them from publishing it."""
    if alert.created_by_id == user.pk:
        return True
    return alert.events.filter(actor_id=user.pk, action__in=("created", "edited")).exists()


def can_publish(user, alert) -> bool:
    return can_publish_any(user) and not is_author(user, alert)


class FourEyesViolation(PermissionDenied):
    """The person who drafted (or edited) a warning tried to publish it."""


def draft_check(user) -> None:
    if not can_draft(user):
        raise PermissionDenied(_("Hanya petugas BPBD dan Tim Efektif yang dapat menyusun atau mengubah peringatan."))


def publish_check(user, alert=None) -> None:
    """May publish at all; with `alert`, may publish this one (four-eyes rule)."""
    if not can_publish_any(user):
        raise PermissionDenied(_("Hanya koordinator dan Tim Efektif yang dapat menyetujui dan menerbitkan peringatan."))
    if alert is not None and is_author(user, alert):
        raise FourEyesViolation(
            _("Penyusun atau pengubah draf tidak boleh menerbitkannya sendiri: minta orang kedua menerbitkan.")
        )


def cancel_check(user) -> None:
    if not can_cancel(user):
        raise PermissionDenied(_("Anda tidak berwenang membatalkan peringatan."))
