"""Asisten I (pimpinan) and the Tim Efektif read every SPM page; only the Tim
Efektif writes (pimpinan gets 403 on every form and POST)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError

from ..permissions import can_enter_data, can_view_dashboard


def spm_viewer_required(view):
    """Anonymous: to the login page. Signed in without pimpinan/tim_efektif: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def require_writer(request):
    if not can_enter_data(request.user):
        raise PermissionDenied


def apply_errors(form, exc: ValidationError):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
