"""Asisten I (pimpinan) and the Tim Efektif read every SPM page; only the Tim
Efektif writes (pimpinan gets 403 on every form and POST)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from kitaaman.access import role_required

from ..permissions import can_enter_data, can_view_dashboard

# Anonymous: to the login page. Signed in without pimpinan/tim_efektif: 403.
spm_viewer_required = role_required(can_view_dashboard, who=gettext_lazy("pimpinan (Asisten I) dan Tim Efektif SPM"))


def require_writer(request):
    if not can_enter_data(request.user):
        raise PermissionDenied
