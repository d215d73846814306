"""The one "signed in, and allowed" decorator of every page.

Anonymous visitors go to the login page (they may have an account); a signed-in
user whose role does not fit gets 403, whose page says who the page is for
(`who`, e.g. "pimpinan dan Tim Efektif").
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def role_required(allowed: Callable[[object], bool], who=None):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                if who is None:
                    raise PermissionDenied
                raise PermissionDenied(_("Halaman ini hanya untuk %(who)s.") % {"who": who})
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
