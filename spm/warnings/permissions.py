"""Who may do what with early warnings.

    drafts, updates, cancels   staff of the BPBD (any role) and the Tim Efektif
    publishes                  a koordinator or Tim Efektif member who neither
                               drafted nor edited the draft (four-eyes rule)
    reads (desk pages, API)    every staff role
    reads published messages   everyone (/peringatan/, /cap/)

A superuser acts with the koordinator's powers and may also draft; the
four-eyes rule binds them like anyone else.
"""

from django.conf import settings

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
