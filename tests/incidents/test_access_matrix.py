"""Every staff URL refuses an anonymous visitor, and every URL that takes a
report's id answers 404 to an officer of Rupit given a Nibung report.

The URL map is enumerated from the resolver, so an endpoint added tomorrow
without an access rule fails this test without anyone editing it.
"""

import re
import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from incidents.models import Assignment, Incident, IncidentPhoto
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_NIBUNG

# URL prefixes (without the leading slash) whose every pattern is staff-only:
# the whole API and the staff pages.
PROTECTED_PREFIXES = ("api/", "petugas/", "dasbor/", "ringkasan/")
# Deliberately public URLs under those prefixes, each with the reason.
PUBLIC_ALLOW_LIST = {
    "api/schema/": "the OpenAPI document of the public and staff API",
    "api/docs/": "Swagger UI over that document",
    "api/redoc/": "Redoc over that document",
    "api/v1/reports/": "citizens report without an account",
    "api/v1/reports/device-token/": "a phone's own report limit, for citizens without an account",
    "api/v1/reports/public.geojson": "the public map layer (privacy rule applied)",
    "api/v1/reports/track/<str:tracking_code>/": "a citizen follows a report by its code",
    "api/v1/categories/": "reference list for the report form",
    "api/v1/areas/": "reference list for the report form",
    "api/v1/auth/token/": "staff sign in here to get a token",
}
# Keyword arguments that carry an object's id.
ID_KWARGS = {"pk", "id", "incident_id", "incident_pk"}
# Under these prefixes the id is a report's: the officer of another kecamatan
# must get exactly 404. Elsewhere (SPM data, summaries) the id is not a
# report's and the officer's role may be refused outright (403).
REPORT_PREFIXES = ("api/v1/incidents", "petugas/laporan/")
CONVERTER = re.compile(r"<(?:(?P<conv>[a-z_]+):)?(?P<name>\w+)>")


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def protected_routes():
    routes = sorted({r for r in walk(get_resolver().url_patterns) if r.startswith(PROTECTED_PREFIXES)})
    return [r for r in routes if r not in PUBLIC_ALLOW_LIST]


def kwarg_names(route):
    return {m.group("name") for m in CONVERTER.finditer(route)}


def fill(route, values):
    def sub(match):
        conv, name = match.group("conv") or "str", match.group("name")
        if name in values:
            return str(values[name])
        if conv == "int":
            return str(values["pk"])
        if conv == "uuid":
            return str(uuid.uuid4())
        if conv == "slug":
            return "bpbd"
        return "x"

    path = "/" + CONVERTER.sub(sub, route)
    assert not re.search(r"[\^$(?\\]", path), f"cannot build a URL for regex pattern {route!r}; extend this test"
    return path


def is_api(route):
    return route.startswith("api/")


def test_the_map_has_protected_routes():
    routes = protected_routes()
    assert any(r.startswith("api/v1/incidents") for r in routes)
    assert any(r.startswith("petugas/") for r in routes)


@pytest.fixture
def nibung_report(personas, make_incident):
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (32, 32), "blue").save(buffer, "JPEG")
    photo = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    incident = make_incident(desa=DESA_NIBUNG, category="konflik-antarwarga", photos=[photo])
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    return incident


def values_for(incident):
    assignment = Assignment.objects.filter(incident=incident).first()
    photo = IncidentPhoto.objects.filter(incident=incident).first()
    return {
        "pk": incident.pk,
        "id": incident.pk,
        "incident_id": incident.pk,
        "incident_pk": incident.pk,
        "assignment_pk": assignment.pk,
        "assignment_id": assignment.pk,
        "photo_pk": photo.pk,
        "photo_id": photo.pk,
        "agency": assignment.agency.code,
        "tracking_code": incident.tracking_code,
        "code": incident.tracking_code,
    }


def anonymous_problems(route, path) -> list:
    """What is wrong with how `path` treats a visitor who is not signed in."""
    client = Client()
    problems, outcomes = [], {}
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        outcomes[method] = response.status_code
        if response.status_code == 405:
            continue
        if is_api(route):
            if response.status_code not in (401, 403):
                problems.append((method, path, response.status_code))
        elif response.status_code != 302 or not response["Location"].startswith("/masuk/"):
            problems.append((method, path, response.status_code))
    if set(outcomes.values()) == {405}:
        problems.append(f"{path}: no method refused the visitor")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("route", protected_routes())
def test_anonymous_is_refused(route, nibung_report):
    assert anonymous_problems(route, fill(route, values_for(nibung_report))) == []


@pytest.mark.django_db
def test_a_new_url_without_an_access_rule_fails_the_matrix(settings, nibung_report):
    """The guard itself: an endpoint added under the API or the desk without
    an access rule is enumerated and caught, with nobody editing this file."""
    settings.ROOT_URLCONF = "tests.incidents.urls_with_leak"
    routes = protected_routes()
    for leak in ("api/v1/bocor/", "petugas/bocor/<int:pk>/"):
        assert leak in routes
        assert anonymous_problems(leak, fill(leak, values_for(nibung_report))), leak
    assert anonymous_problems("petugas/", "/petugas/") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in protected_routes() if kwarg_names(r) & ID_KWARGS and r.startswith(REPORT_PREFIXES)]
)
def test_officer_of_rupit_gets_404_for_a_nibung_report(route, personas, nibung_report):
    client = Client()
    client.force_login(personas.officer_rupit)
    path = fill(route, values_for(nibung_report))
    outcomes = {}
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        outcomes[method] = response.status_code
        assert response.status_code in (404, 405), (method, path, response.status_code)
    assert 404 in outcomes.values(), path
    # The officer of Nibung gets past the access rule on the same URL, so the
    # 404 above is the rule, not a malformed URL.
    other = Client()
    other.force_login(personas.officer_nibung)
    answers = [getattr(other, m)(path).status_code for m in ("get", "post")]
    assert any(code not in (404, 405) for code in answers), (path, answers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in protected_routes() if kwarg_names(r) & ID_KWARGS and not r.startswith(REPORT_PREFIXES)]
)
def test_officer_of_rupit_gets_nothing_from_other_ids(route, personas, nibung_report):
    client = Client()
    client.force_login(personas.officer_rupit)
    path = fill(route, values_for(nibung_report))
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code in (403, 404, 405), (method, path, response.status_code)


@pytest.mark.django_db
def test_lists_searches_and_counts_never_show_a_nibung_report_to_rupit(personas, nibung_report, make_incident):
    """The list views of the desk and the API, their search, and the queue counts."""
    from incidents.desk.queue import status_counts

    mine = make_incident()
    client = Client()
    client.force_login(personas.officer_rupit)
    searches = ({}, {"q": nibung_report.tracking_code}, {"kecamatan": nibung_report.kecamatan_id})
    for params in searches:
        # the page may echo the query itself; what must not appear is a link to the report
        response = client.get("/petugas/", params)
        assert response.status_code in (200, 400), (params, response.status_code)
        assert f"/petugas/laporan/{nibung_report.pk}/" not in response.content.decode(), params
        response = client.get("/api/v1/incidents/", params)
        assert response.status_code == 200
        assert nibung_report.tracking_code not in {row["tracking_code"] for row in response.json()["results"]}
        # The desk map and its GeoJSON read the same filters through the same rule.
        response = client.get("/petugas/peta/", params)
        assert response.status_code == 200
        assert f"/petugas/laporan/{nibung_report.pk}/" not in response.content.decode(), params
        response = client.get("/petugas/peta/laporan.geojson", params)
        assert response.status_code in (200, 400), (params, response.status_code)
        assert nibung_report.tracking_code not in response.content.decode(), params
    assert f"/petugas/laporan/{mine.pk}/" in client.get("/petugas/").content.decode()
    mapped = client.get("/petugas/peta/laporan.geojson").json()["features"]
    assert [f["properties"]["c"] for f in mapped] == [mine.tracking_code]
    counts = status_counts(personas.officer_rupit)
    assert counts["baru"] == 1 and sum(counts[s] for s in ("baru", "diverifikasi", "ditangani")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("route", protected_routes())
def test_pimpinan_never_changes_a_report(route, personas, make_incident):
    """Asisten I/Bupati read everything and change nothing: a POST (and a PATCH
    on the API) to any staff URL leaves the report, its events and assignments
    as they were; the API answers 403 (405 where the method does not exist).
    Pages may answer a POST like a GET (a filter form), but change nothing."""
    from incidents.models import IncidentEvent

    incident = make_incident()
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    incident.refresh_from_db()
    events = IncidentEvent.objects.count()
    assignment = Assignment.objects.get()
    photo_free = {"assignment_pk": assignment.pk, "assignment_id": assignment.pk}
    values = {"pk": incident.pk, "id": incident.pk, "agency": "bpbd", **photo_free}
    client = Client()
    client.force_login(personas.pimpinan)
    path = fill(route, values)
    body = {
        "to": "diverifikasi",
        "version": incident.version,
        "text": "x",
        "note": "x",
        "agency": "bpbd",
        "priority": 4,
    }
    for method in ("post", "patch") if is_api(route) else ("post",):
        response = getattr(client, method)(path, body, content_type="application/json")
        if is_api(route):
            assert response.status_code in (403, 405), (method, path, response.status_code)
        else:
            assert response.status_code < 500, (method, path, response.status_code)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.version, stored.status, stored.priority) == (incident.version, incident.status, incident.priority)
    assert IncidentEvent.objects.count() == events
    assert list(Assignment.objects.values_list("agency__code", "completed_at")) == [("bpbd", None)]


@pytest.mark.django_db
@pytest.mark.parametrize("route", protected_routes())
def test_mitra_never_sees_the_reporter_anywhere(route, personas, make_incident):
    """Retaliation risk: on no staff page or API answer does a partner agency
    user see the name or contact of the reporter of a report assigned to it."""
    incident = make_incident(category="konflik-perusahaan")
    assignment = incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    values = {"pk": incident.pk, "id": incident.pk, "agency": "bpbd", "assignment_pk": assignment.pk}
    client = Client()
    client.force_login(personas.mitra_bpbd)
    response = client.get(fill(route, values))
    assert response.status_code < 500
    if route in ("petugas/laporan/<int:pk>/", "api/v1/incidents/<int:pk>/", "petugas/", "api/v1/incidents/"):
        assert response.status_code == 200, route  # the pages that show the report to the agency
    if response.status_code == 200 and not response.streaming:
        text = response.content.decode("utf-8", errors="ignore")
        for secret in ("081234567890", "Siti Aminah", "siti@example.test"):
            assert secret not in text, (route, secret)


# --- early warnings --------------------------------------------------------------------------------

WARNING_PREFIXES = ("api/v1/warnings/", "petugas/peringatan/")
# Public warning URLs: they must never show a draft.
PUBLIC_WARNING_PREFIXES = ("peringatan/", "cap/")


def warning_routes():
    return [r for r in protected_routes() if r.startswith(WARNING_PREFIXES)]


def public_warning_routes():
    routes = sorted({r for r in walk(get_resolver().url_patterns) if r.startswith(PUBLIC_WARNING_PREFIXES)})
    return [r for r in routes if not r.startswith("peringatan/langganan/")]


def test_the_map_has_warning_routes():
    assert len(warning_routes()) >= 10 and len(public_warning_routes()) >= 4


@pytest.fixture
def two_warnings(personas):
    from datetime import timedelta

    from django.utils import timezone

    from spm.warnings import services

    content = {
        "event": "banjir",
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "headline": "Banjir Sungai Rupit",
        "description": "Debit naik.",
        "instruction": "Siaga.",
        "expires": timezone.now() + timedelta(hours=12),
        "areas": ["16.13.01.1007"],
    }
    draft = services.alert_create(actor=personas.mitra_bpbd, **content)
    live = services.alert_create(actor=personas.mitra_bpbd, **content)
    services.alert_publish(actor=personas.koordinator, alert_id=live.pk)
    return draft, live


def warning_state():
    from spm.warnings.models import Alert, AlertEvent

    return sorted(Alert.objects.values_list("pk", "state", "headline")), AlertEvent.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_rupit", "mitra_polres", "pimpinan"])
@pytest.mark.parametrize("route", warning_routes())
def test_read_only_staff_never_change_a_warning(route, who, personas, two_warnings):
    """Petugas of other agencies, mitra other than the BPBD and the pimpinan read
    warnings; every write is a 403 and nothing changes."""
    before = warning_state()
    client = Client()
    client.force_login(getattr(personas, who))
    body = {"reason": "x", "headline": "diubah", "event": "banjir", "areas": ["16.13.01"]}
    for alert in two_warnings:
        path = fill(route, {"pk": alert.pk, "id": alert.pk})
        read = client.get(path).status_code
        assert read in (200, 403, 404, 405), (path, read)
        for method in ("post", "patch") if is_api(route) else ("post",):
            code = getattr(client, method)(path, body, content_type="application/json").status_code
            assert code in (403, 405), (method, path, code)
    assert warning_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("route", public_warning_routes())
def test_public_warning_urls_never_show_a_draft(route, two_warnings):
    draft, live = two_warnings
    client = Client()
    for alert, expected in ((draft, 404), (live, 200)):
        path = fill(route, {"pk": alert.pk, "identifier": alert.identifier})
        response = client.get(path)
        if kwarg_names(route):
            assert response.status_code == expected, (path, response.status_code)
        assert draft.identifier not in response.content.decode(), path


# Open311 GeoReport v2: every read is public (the public map's rule decides
# which reports it shows); the one write, POST requests, needs a partner's
# api_key whoever is signed in. A new route under open311/ must be added here.
OPEN311_ROUTES = {
    "open311/v2/discovery.<str:format>": "read",
    "open311/v2/services.<str:format>": "read",
    "open311/v2/services/<str:service_code>.<str:format>": "read",
    "open311/v2/requests.<str:format>": "read, submit with api_key",
    "open311/v2/requests/<str:service_request_id>.<str:format>": "read",
}


def test_every_open311_route_has_a_rule():
    routes = {r for r in walk(get_resolver().url_patterns) if r.startswith("open311/")}
    assert routes == set(OPEN311_ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(OPEN311_ROUTES))
def test_open311_reads_are_public_and_writes_need_an_api_key(route, personas, make_incident):
    incident = make_incident(desa=DESA_NIBUNG)
    incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    values = {"service_code": "bencana-banjir", "service_request_id": incident.tracking_code}
    before = Incident.objects.count()
    for fmt in ("json", "xml"):
        path = fill(route, {**values, "format": fmt})
        assert Client().get(path).status_code == 200, path
        for who in (None, personas.officer_rupit, personas.koordinator, personas.admin):
            client = Client()
            if who is not None:
                client.force_login(who)
            body = {"service_code": "bencana-banjir", "address_string": "Muara Rupit", "description": "x"}
            response = client.post(path, body)
            expected = 403 if "submit" in OPEN311_ROUTES[route] else 405
            assert response.status_code == expected, (path, who, response.status_code)
    assert Incident.objects.count() == before
