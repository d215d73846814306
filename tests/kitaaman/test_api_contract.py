"""Every live answer agrees with /api/schema/: the main flows of the public,
staff, warnings and SPM APIs go through the Django test client, and each
request and response is validated with openapi-core against the generated
schema, as a partner's generated client would read them."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.test import Client
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from incidents.models import Incident, Status
from incidents.workflow.services import incident_transition
from tests.factories import DESA_RUPIT, PASSWORD
from tests.spm.warnings.conftest import flood

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


class Contract:
    """The generated schema, read by openapi-core."""

    def __init__(self, document: dict):
        document["servers"] = [{"url": HOST}]
        # The map layers answer application/geo+json, which is JSON.
        config = Config(extra_media_type_deserializers={"application/geo+json": json.loads})
        self.openapi = OpenAPI.from_dict(document, config=config)
        self.templates = [
            re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(t))) for t in document["paths"]
        ]

    def path_parameters(self, path: str) -> dict:
        """The path's parameters named as the schema names them ({id}, {tracking_code})."""
        for pattern in self.templates:
            match = pattern.fullmatch(path)
            if match:
                return match.groupdict()
        return {}


@dataclass
class SentRequest:
    """What openapi-core reads of a request (openapi_core.protocols.Request),
    built from what the test sends: DRF has consumed Django's body stream by
    the time the answer comes back."""

    method: str
    path: str
    query: dict
    body: bytes | None
    content_type: str
    headers: dict = field(default_factory=dict)
    path_params: dict = field(default_factory=dict)
    host_url: str = HOST

    @property
    def parameters(self):
        return RequestParameters(
            query=ImmutableMultiDict(self.query),
            header=Headers(self.headers),
            cookie=ImmutableMultiDict(),
            path=self.path_params,
        )


@dataclass
class Answer:
    """openapi_core.protocols.Response of a Django test response."""

    status_code: int
    data: bytes
    content_type: str
    headers: Headers


class ContractClient:
    """A JSON client whose every exchange must agree with the schema."""

    def __init__(self, spec: Contract, token: str | None = None):
        self.spec = spec
        self.client = Client()
        self.headers = {"Authorization": f"Token {token}"} if token else {}

    def call(self, method, path, *, query=None, body=None, valid_request=True):
        """One exchange; the answer must agree with the schema. A request the
        test sends on purpose against the schema (no token, a missing field)
        must be refused by the schema too (valid_request=False)."""
        query = {k: str(v) for k, v in (query or {}).items()}
        payload = json.dumps(body).encode() if body is not None else None
        content_type = "application/json" if payload is not None else ""
        url = path + (f"?{urlencode(query)}" if query else "")
        if payload is None:
            response = getattr(self.client, method)(url, headers=self.headers)
        else:
            response = getattr(self.client, method)(url, payload, content_type=content_type, headers=self.headers)
        sent = SentRequest(method, path, query, payload, content_type, self.headers, self.spec.path_parameters(path))
        answer = Answer(
            response.status_code,
            response.content,
            response.get("Content-Type", ""),
            Headers(response.headers.items()),
        )
        if valid_request:
            self.spec.openapi.validate_request(sent)
        else:
            with pytest.raises(OpenAPIError):
                self.spec.openapi.validate_request(sent)
        self.spec.openapi.validate_response(sent, answer)
        return response

    def get(self, path, valid_request=True, **query):
        return self.call("get", path, query=query, valid_request=valid_request)

    def post(self, path, body=None, valid_request=True):
        return self.call("post", path, body=body if body is not None else {}, valid_request=valid_request)


@pytest.fixture
def spec():
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return Contract(response.json())


def token_of(spec, username):
    response = ContractClient(spec).post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


REPORT = {
    "category": "bencana-banjir",
    "description": "Air Sungai Rupit meluap, rumah warga terendam setinggi lutut.",
    "desa": DESA_RUPIT,
    "consent": True,
    "reporter_name": "Siti Aminah",
    "reporter_email": "",
    "details": {"rumah_terendam": 12},
}


def test_reference_lists_agree_with_the_schema(spec):
    public = ContractClient(spec)
    categories = public.get("/api/v1/categories/")
    assert categories.status_code == 200 and categories.json()
    assert public.get("/api/v1/areas/").status_code == 200
    assert public.get("/api/v1/areas/", level="desa", kecamatan="16.13.01").status_code == 200
    assert public.get("/api/v1/reports/public.geojson").status_code == 200


def test_both_forms_of_the_public_layer_agree_with_the_schema(spec, personas, make_incident):
    incident = make_incident()
    incident_transition(incident=incident, actor=personas.koordinator, to=Status.DIVERIFIKASI)
    public = ContractClient(spec)
    compact = public.get("/api/v1/reports/public.geojson")
    full = public.get("/api/v1/reports/public.geojson", format="full")
    assert "k" in compact.json()["features"][0]["properties"]
    assert full.json()["features"][0]["properties"]["category"] == "bencana-banjir"
    assert public.get("/api/v1/reports/public.geojson", format="kml", valid_request=False).status_code == 400


def test_report_submit_and_track_agree_with_the_schema(spec, personas):
    public = ContractClient(spec)
    created = public.post("/api/v1/reports/", REPORT)
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    tracked = public.get(f"/api/v1/reports/track/{code}/")
    assert tracked.status_code == 200

    # An officer adds a public note (no status change: the timeline says null,
    # which the schema allows), then verifies the report.
    desk = ContractClient(spec, token_of(spec, "koordinator"))
    incident = Incident.objects.get(tracking_code=code)
    noted = desk.post(f"/api/v1/incidents/{incident.pk}/notes/", {"text": "Tim menuju lokasi.", "public": True})
    assert noted.status_code == 201, noted.content
    tracked = public.get(f"/api/v1/reports/track/{code}/")
    assert [e["status"] for e in tracked.json()["timeline"]] == [Status.BARU, None]
    incident.refresh_from_db()
    moved = desk.post(
        f"/api/v1/incidents/{incident.pk}/transitions/",
        {"to": Status.DIVERIFIKASI, "version": incident.version, "note": "Sudah dicek.", "public": True},
    )
    assert moved.status_code == 200, moved.content
    tracked = public.get(f"/api/v1/reports/track/{code}/")
    assert [e["status"] for e in tracked.json()["timeline"]] == [Status.BARU, None, Status.DIVERIFIKASI]

    # Errors agree too: a bad body and an unknown code come in the documented envelope.
    assert public.post("/api/v1/reports/", {"description": ""}, valid_request=False).status_code == 400
    assert public.get("/api/v1/reports/track/KA-XXXX-NONE/").status_code == 404


def test_staff_token_and_desk_flow_agree_with_the_schema(spec, personas, make_incident):
    incident = make_incident(description="Pohon tumbang menutup jalan desa.")
    refused = ContractClient(spec).post("/api/v1/auth/token/", {"username": "koordinator", "password": "salah"})
    assert refused.status_code == 400
    desk = ContractClient(spec, token_of(spec, "koordinator"))
    listed = desk.get("/api/v1/incidents/")
    assert listed.status_code == 200
    assert desk.get("/api/v1/incidents/", status=Status.BARU, q="Pohon").status_code == 200
    detail = desk.get(f"/api/v1/incidents/{incident.pk}/")
    assert detail.status_code == 200
    version = detail.json()["version"]
    moved = desk.post(f"/api/v1/incidents/{incident.pk}/transitions/", {"to": Status.DIVERIFIKASI, "version": version})
    assert moved.status_code == 200, moved.content
    assert desk.get(f"/api/v1/incidents/{incident.pk}/").json()["status"] == Status.DIVERIFIKASI
    # A stale version is a documented conflict.
    stale = desk.post(f"/api/v1/incidents/{incident.pk}/transitions/", {"to": Status.DITANGANI, "version": version})
    assert stale.status_code == 409
    # Without a token: the documented 401.
    assert ContractClient(spec).get("/api/v1/incidents/", valid_request=False).status_code == 401


def test_warning_draft_create_and_list_agree_with_the_schema(spec, personas):
    bpbd = ContractClient(spec, token_of(spec, "mitra_bpbd"))
    body = flood()
    body["expires"] = body["expires"].isoformat()
    created = bpbd.post("/api/v1/warnings/", body)
    assert created.status_code == 201, created.content
    # A draft has no deliveries yet: null, which the schema now allows.
    assert created.json()["delivery"] is None
    listed = bpbd.get("/api/v1/warnings/")
    assert listed.status_code == 200
    assert bpbd.get(f"/api/v1/warnings/{created.json()['id']}/").status_code == 200
    coordinator = ContractClient(spec, token_of(spec, "koordinator"))
    published = coordinator.post(f"/api/v1/warnings/{created.json()['id']}/publish/")
    assert published.status_code == 200, published.content
    assert published.json()["delivery"]["total"] == 0


def test_spm_figures_agree_with_the_schema(spec, personas):
    leader = ContractClient(spec, token_of(spec, "asisten1"))
    for path, query in [
        ("/api/v1/spm/figures/", {"period": "2026-Q1"}),
        ("/api/v1/spm/figures/", {"period": "2026-Q1", "kecamatan": "16.13.01"}),
        ("/api/v1/spm/achievements/", {"year": 2026, "quarter": 1}),
        ("/api/v1/spm/targets/", {"year": 2026}),
        ("/api/v1/spm/activities/", {}),
    ]:
        assert leader.get(path, **query).status_code == 200, path
