"""The portal's own error pages (400, 403, 404, 500, 503): the site's frame,
the active language, what happened in plain words and a way back.

400, 403 and 404 render with the request (the header knows who is signed in,
so staff are offered the desk). 500 and 503 render without the context
processors: they read the user's roles from the database, which may be the
very thing that failed. If a page with the request cannot render, the plain
one is sent instead, so no error ever ends on Django's bare text.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import loader
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 500: "500.html", 503: "503.html"}
# Statuses whose page never touches the database or the session.
PLAIN = frozenset({500, 503})


def _message(exception) -> str:
    """The words a PermissionDenied was raised with (role_required's "only
    for...", a service's "Hanya koordinator..."): the portal's own sentences.
    Never the text of another exception (a 404's resolver details, a bad
    request's internals)."""
    if not isinstance(exception, PermissionDenied) or not exception.args:
        return ""
    text = exception.args[0]
    return str(text) if isinstance(text, (str, Promise)) else ""


def error_page(request, status: int, exception=None, *, message: str = "") -> HttpResponse:
    template = loader.get_template(TEMPLATES[status])
    context = {
        "status": status,
        "message": message or _message(exception),
        "path": (getattr(request, "path", "") or "")[:200],
        "plain": status in PLAIN,
    }
    if status not in PLAIN:
        try:
            return HttpResponse(template.render(context, request), status=status)
        except Exception:
            logger.exception("error page %s failed with the request; sending the plain one", status)
    try:
        return HttpResponse(template.render(context), status=status)
    except Exception:
        # Even the frame failed (a static manifest missing after a bad deploy):
        # the same words, no template.
        logger.exception("error page %s failed; sending the bare one", status)
        return HttpResponse(_bare_page(status), status=status)


def _bare_page(status: int) -> str:
    title = escape(_("Maaf, terjadi kesalahan pada sistem") if status >= 500 else _("Halaman tidak dapat ditampilkan"))
    return (
        f'<!DOCTYPE html><html lang="{escape(get_language() or "id")}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · KITA AMAN</title></head>'
        f"<body><header><strong>KITA AMAN</strong></header><main><h1>{title}</h1>"
        f"<p>{escape(_('Coba lagi beberapa saat lagi.'))}</p>"
        f'<p><a href="/">{escape(_("Ke beranda"))}</a> · <a href="/lacak/">{escape(_("Lacak laporan"))}</a> · '
        f'<a href="/petugas/">{escape(_("Meja petugas"))}</a></p></main></body></html>'
    )
