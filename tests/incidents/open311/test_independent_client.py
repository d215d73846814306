"""An independently written Open311 client against the live test server:
`georeport` (PyPI) reads discovery's endpoint, the services, a service
definition and the requests; the POST, which georeport does not make, goes
out as python `open311` sends it (api_key and jurisdiction_id in the query
string, the report form-encoded), and is read back by its id."""

import pytest
import requests
from georeport import GeoReport

from incidents.models import Incident
from incidents.open311.services import open311_key_create

from .conftest import make_public

pytestmark = pytest.mark.django_db(transaction=True)

JURISDICTION = "muratarakab.go.id"
DESCRIPTION = "Air Sungai Rupit meluap ke jalan desa, 12 rumah terendam."


@pytest.fixture
def endpoint(live_server, settings):
    """The endpoint as a client finds it: from the discovery document."""
    settings.SITE_URL = live_server.url
    settings.OPEN311_JURISDICTION_ID = JURISDICTION
    response = requests.get(f"{live_server.url}/open311/v2/discovery.json", timeout=10)
    assert response.status_code == 200
    (production,) = [e for e in response.json()["endpoints"] if e["type"] == "production"]
    assert "application/json" in production["formats"] and "text/xml" in production["formats"]
    return production["url"]


def test_georeport_client_discovers_reads_posts_and_reads_back(endpoint, personas):
    _key, api_key = open311_key_create(application_name="Aplikasi Warga Uji")
    client = GeoReport(endpoint, jurisdiction=JURISDICTION)
    xml_client = GeoReport(endpoint, jurisdiction=JURISDICTION, output_format="xml")

    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"bencana-banjir", "konflik-perusahaan"} <= codes
    assert {s["service_code"] for s in xml_client.get_service_list()} == codes
    definition = client.get_service_definition("bencana-banjir")
    assert definition["service_code"] == "bencana-banjir"
    assert "rumah_terendam" in {a["code"] for a in definition["attributes"]}

    # POST as python `open311` does: the key in the URL, the report in the body.
    posted = requests.post(
        f"{endpoint}/requests.json",
        params={"api_key": api_key, "jurisdiction_id": JURISDICTION},
        data={
            "service_code": "bencana-banjir",
            "lat": "-2.7208",
            "long": "102.8941",
            "description": DESCRIPTION,
            "attribute[rumah_terendam]": "12",
            "first_name": "Siti",
            "last_name": "Aminah",
        },
        timeout=10,
    )
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]
    assert posted.json()[0]["service_notice"]

    # The partner reads it back at once, by id, with its key.
    own = requests.get(f"{endpoint}/requests/{request_id}.json", params={"api_key": api_key}, timeout=10)
    assert own.status_code == 200, own.text
    (mine,) = own.json()
    assert mine["status"] == "open" and mine["description"] == DESCRIPTION and mine["service_code"] == "bencana-banjir"

    # Anyone else (georeport sends no key on reads) sees nothing until an officer verifies it.
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_request(request_id)
    assert refused.value.response.status_code == 404
    assert request_id not in {r["service_request_id"] for r in client.get_service_requests()}

    make_public(Incident.objects.get(tracking_code=request_id), personas.koordinator)
    public = client.get_service_request(request_id)
    assert public["status"] == "open" and public["service_code"] == "bencana-banjir"
    assert public["description"] != DESCRIPTION  # others see the description built from category and desa
    listed = client.get_service_requests(service_code="bencana-banjir,konflik-perusahaan", status="open")
    assert request_id in {r["service_request_id"] for r in listed}
    xml_request = xml_client.get_service_request(request_id)
    assert xml_request["service_request_id"] == request_id and xml_request["status"] == "open"


def test_georeport_client_against_another_jurisdiction_gets_404(endpoint):
    client = GeoReport(endpoint, jurisdiction="sfgov.org")
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_list()
    assert refused.value.response.status_code == 404
