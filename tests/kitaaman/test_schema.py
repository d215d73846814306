"""OpenAPI schema (drf-spectacular) and the API docs pages: valid, no warnings,
error responses declared, assets served locally and scripts allowed by the CSP."""

import io
import os
import re

import pytest
from django.core.management import call_command
from openapi_spec_validator import OpenAPIV30SpecValidator

# Playwright's sync API runs an event loop in this thread; the test database teardown is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.django_db

PUBLIC_OPERATIONS = {
    ("/api/v1/reports/", "post"): {"400", "429"},
    ("/api/v1/reports/track/{tracking_code}/", "get"): {"404", "429"},
    ("/api/v1/areas/", "get"): {"400"},
    ("/api/v1/categories/", "get"): set(),
    ("/api/v1/reports/public.geojson", "get"): set(),
}


def test_schema_generates_without_errors_or_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning (an untyped field, a name clash) into an error.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert out.read_text().startswith("openapi: 3")


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_public_operations_declare_their_error_answers(schema):
    for (path, method), codes in PUBLIC_OPERATIONS.items():
        operation = schema["paths"][path][method]
        assert "200" in operation["responses"] or "201" in operation["responses"]
        assert codes <= set(operation["responses"]), (path, codes)
        for code in codes:
            content = operation["responses"][code]["content"]
            refs = {c["schema"]["$ref"] for c in content.values()}
            assert refs == {"#/components/schemas/ApiErrorEnvelope"}


def test_schema_is_valid_openapi_for_partners_tools(schema):
    """openapi-spec-validator, as a partner's tooling runs it on /api/schema/."""
    errors = [e.message for e in OpenAPIV30SpecValidator(schema).iter_errors()]
    assert errors == []
    # The optional e-mail's default sits beside its oneOf, not in the e-mail branch.
    email = schema["components"]["schemas"]["ReportCreateRequest"]["properties"]["reporter_email"]
    assert email["default"] == "" and all("default" not in branch for branch in email["oneOf"])


def test_every_request_body_has_one_component_per_content_type(schema):
    """A code generator (openapi-python-client) dispatches on the body's type:
    one schema offered under several content types makes it send multipart for
    everything. JSON is offered everywhere; multipart only where files go."""
    multipart = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]
            assert "application/json" in content and "application/x-www-form-urlencoded" not in content, path
            refs = [c["schema"]["$ref"] for c in content.values()]
            assert len(refs) == len(set(refs)), (path, method, refs)
            if "multipart/form-data" in content:
                multipart.add(path)
    assert multipart == {"/api/v1/reports/", "/api/v1/spm/activities/"}


def test_report_create_documents_json_and_multipart_with_photos(schema):
    body = schema["paths"]["/api/v1/reports/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    json_request = schema["components"]["schemas"]["ReportCreateJsonRequest"]
    assert "photos" not in json_request["properties"] and json_request["required"] == ["category", "description"]
    request = schema["components"]["schemas"]["ReportCreateRequest"]
    assert request["required"] == ["category", "description"]
    assert request["properties"]["photos"]["items"]["format"] == "binary"
    assert {"desa", "lat", "lng", "details", "client_uuid", "consent", "website"} <= set(request["properties"])
    # Anyone may post: anonymous access is part of the declared security.
    assert {} in schema["paths"]["/api/v1/reports/"]["post"]["security"]


def test_map_layers_are_declared_as_geojson(schema):
    for path in ("/api/v1/areas/", "/api/v1/reports/public.geojson"):
        assert "application/geo+json" in schema["paths"][path]["get"]["responses"]["200"]["content"]


def external_urls(html):
    return [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if re.match(r"^(https?:)?//", u)]


def csp_nonce(response):
    header = response["Content-Security-Policy"]
    match = re.search(r"'nonce-([^']+)'", header)
    return header, match.group(1) if match else None


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_only_local_assets_and_pass_the_csp(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert external_urls(html) == []
    assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html
    header, nonce = csp_nonce(response)
    assert "script-src 'self'" in header
    for tag in re.findall(r"<script[^>]*>", html):
        src = re.search(r'src="([^"]+)"', tag)
        if src:
            assert src.group(1).startswith("/static/"), tag
        else:
            assert nonce and f'nonce="{nonce}"' in tag, (tag, header)


@pytest.mark.browser
def test_swagger_ui_renders_in_a_browser_without_csp_violations(live_server, browser, screenshot_dir):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems, foreign = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    page.wait_for_selector("text=/api/v1/reports/", timeout=15000)
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)
    assert "KITA AMAN" in page.inner_text(".swagger-ui .info .title")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert foreign == []
    page.close()
