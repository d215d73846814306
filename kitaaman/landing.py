"""Where a member of staff lands after signing in without a `next` page, and
what signing out leaves behind on a shared phone.

Officers and partner agencies work on the desk; Asisten I (pimpinan) and the
Tim Efektif watch the SPM dashboard. The first role of KITAAMAN_ROLE_LANDING
the user holds decides; someone who also works on reports lands on the desk.
"""

from django.conf import settings
from django.contrib.auth.views import LoginView, LogoutView
from django.urls import reverse

from incidents.permissions import user_roles


def landing_url(user) -> str:
    roles = user_roles(user)
    for role, url_name in settings.KITAAMAN_ROLE_LANDING:
        if role in roles:
            return reverse(url_name)
    return reverse(settings.LOGIN_REDIRECT_URL)


class PortalLoginView(LoginView):
    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class PortalLogoutView(LogoutView):
    """Signing out also empties the browser's HTTP cache of the site, so the
    next person on the same phone cannot page back into the desk. "cache" only:
    "storage" would also wipe the reports a resident left waiting on the phone.
    The service worker drops its own copies when it sees this request (sw.js)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        return response
