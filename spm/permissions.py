"""Who may see the SPM dashboard and who may enter SPM data.

Asisten I (pimpinan) and the Tim Efektif read; only the Tim Efektif writes
(the admin keeps the Django admin for reference data)."""

from incidents.permissions import ADMIN, PIMPINAN, TIM_EFEKTIF, user_roles

VIEW_ROLES = frozenset({PIMPINAN, TIM_EFEKTIF, ADMIN})


def can_view_dashboard(user) -> bool:
    return bool(user_roles(user) & VIEW_ROLES)


def can_enter_data(user) -> bool:
    return TIM_EFEKTIF in user_roles(user)
