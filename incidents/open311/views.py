"""Open311 GeoReport v2 endpoints, each in JSON and XML (`.json` / `.xml`).

Thin: parse, call a selector or service, render. Every failure is an
Open311 error list with its HTTP status; no input gives a 5xx. Reads are
public (the public map's rule); POST requests needs a partner's api_key.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from incidents.public.selectors import public_points
from kitaaman import region
from kitaaman.http import client_ip
from kitaaman.ratelimit import Bucket

from . import selectors, shapes
from .render import FORMATS, Open311Error, error_response, respond
from .services import open311_key_verify, open311_request_submit
from .submission import parse_submission


def _params(query) -> dict[str, str]:
    """The last value of each parameter (what a form field means), as text."""
    params = {name: values[-1] if values else "" for name, values in query.lists()}
    for name, value in params.items():
        if "\x00" in name or "\x00" in value:
            raise Open311Error(400, _("%(name)s: berisi karakter yang tidak diizinkan.") % {"name": name[:40]})
    return params


def _check_jurisdiction(params: dict) -> None:
    # One jurisdiction: the parameter may be left out, but a wrong one is a
    # client pointed at the wrong server (404, as the specification says).
    value = params.get("jurisdiction_id", "").strip()
    if value and value != region.open311_jurisdiction_id():
        raise Open311Error(
            404,
            _("jurisdiction_id tidak dikenal; server ini melayani %(id)s.") % {"id": region.open311_jurisdiction_id()},
        )


def _api_key(request) -> str:
    """The partner's api_key from the form body or the query string (the
    specification shows it in the body; many clients, such as python
    `open311`, put it in the URL)."""
    if request.method == "POST":
        body_key = request.POST.get("api_key", "")
        if body_key.strip():
            return body_key
    return request.GET.get("api_key", "")


def open311_view(methods=("GET",)):
    """Format check, method check, error translation and CORS for reads."""

    def decorate(func):
        def view(request, *args, format, **kwargs):
            fmt = format if format in FORMATS else "json"
            try:
                if format not in FORMATS:
                    raise Open311Error(404, _("Format tidak dikenal; pakai .json atau .xml."))
                if request.method not in methods:
                    response = error_response(
                        Open311Error(405, _("Metode %(m)s tidak diizinkan.") % {"m": request.method[:10]}), fmt
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                response = func(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = error_response(exc, fmt)
            except RequestDataTooBig:
                response = error_response(Open311Error(413, _("Data yang dikirim terlalu besar.")), fmt)
            except TooManyFieldsSent:
                response = error_response(Open311Error(400, _("Terlalu banyak isian dalam satu kiriman.")), fmt)
            if request.method == "GET":
                # Public data: open-data tools in a browser may read it.
                response["Access-Control-Allow-Origin"] = "*"
            return response

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        return csrf_exempt(view)

    return decorate


@open311_view()
def discovery(request, fmt):
    _check_jurisdiction(_params(request.GET))
    return respond(shapes.discovery(settings.SITE_URL), fmt, root="discovery")


@open311_view()
def services(request, fmt):
    _check_jurisdiction(_params(request.GET))
    return respond([shapes.service(c) for c in selectors.active_services()], fmt, root="services")


@open311_view()
def service_definition(request, service_code, fmt):
    _check_jurisdiction(_params(request.GET))
    category = selectors.service_get(service_code)
    if category is None:
        raise Open311Error(404, _("Layanan %(code)s tidak dikenal.") % {"code": service_code[:40]})
    return respond(shapes.service_definition(category), fmt, root="service_definition")


@open311_view(methods=("GET", "POST"))
def requests(request, fmt):
    if request.method == "POST":
        return _submit(request, fmt)
    params = _params(request.GET)
    _check_jurisdiction(params)
    page = selectors.requests_search(params)
    headers = {}
    if page.next_after:
        query = request.GET.copy()
        query["after"] = page.next_after
        headers["Link"] = f'<{settings.SITE_URL}{request.path}?{query.urlencode()}>; rel="next"'
    points = public_points(page.items)
    body = [shapes.service_request(i, points[i.pk]) for i in page.items]
    return respond(body, fmt, root="service_requests", headers=headers)


def _submit(request, fmt) -> HttpResponse:
    ip = client_ip(request)
    # Reading POST may raise TooManyFieldsSent/RequestDataTooBig (answered above).
    form = dict(request.POST.lists())
    # The key first: without a valid one nothing else is looked at.
    key = open311_key_verify(_api_key(request), ip=ip)
    # Submissions per partner key, whoever's address they come from (the portal's one limiter).
    wait = Bucket("open311", f"key:{key.pk}").take()
    if wait:
        raise Open311Error(
            429, _("Terlalu banyak laporan dari kunci ini. Coba lagi nanti."), headers={"Retry-After": str(wait)}
        )
    _check_jurisdiction(_params(request.POST))
    submission = parse_submission(form)
    incident, created = open311_request_submit(key=key, submission=submission, ip=ip)
    body = [
        {
            "service_request_id": incident.tracking_code,
            "service_notice": shapes.service_notice(incident),
            "account_id": submission.account_id or None,
        }
    ]
    return respond(body, fmt, root="service_requests", status=201 if created else 200)


@open311_view()
def request_detail(request, service_request_id, fmt):
    params = _params(request.GET)
    _check_jurisdiction(params)
    if params.get("api_key", "").strip():
        # A partner reads back what it posted, before any officer has looked
        # at it: its own description, never another application's request.
        key = open311_key_verify(params["api_key"], ip=client_ip(request))
        own = selectors.partner_request_get(service_request_id, key.application)
        if own is not None:
            return respond([shapes.partner_request(own)], fmt, root="service_requests")
    incident = selectors.public_request_get(service_request_id)
    if incident is None:
        raise Open311Error(404, _("Laporan %(id)s tidak ditemukan.") % {"id": service_request_id[:40]})
    return respond([shapes.service_request(incident)], fmt, root="service_requests")
