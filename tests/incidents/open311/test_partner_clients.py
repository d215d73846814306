"""What independently written Open311 clients do: the api_key in the query
string, a comma list of service codes, an unknown jurisdiction (404), and a
partner reading back the request it has just posted, before any officer has
verified it (only that partner)."""

from urllib.parse import urlencode

import pytest

from incidents.models import Channel, Incident
from incidents.open311.services import open311_key_create
from tests.factories import DESA_NIBUNG

from .conftest import json_body, make_public, xml_root
from .test_submit import flood

pytestmark = pytest.mark.django_db

DESCRIPTION = "Air Sungai Rupit meluap ke jalan desa."


def post_with_key_in_query(client, partner_raw, data, fmt="json"):
    """As python `open311` posts: api_key and jurisdiction_id in the URL, the rest in the form body."""
    query = urlencode({"api_key": partner_raw, "jurisdiction_id": "muratarakab.go.id"})
    return client.post(
        f"/open311/v2/requests.{fmt}?{query}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


@pytest.fixture
def other_partner(db):
    key, raw = open311_key_create(application_name="Aplikasi Lain")
    key.raw = raw
    return key


def test_api_key_in_the_query_string_is_accepted(client, partner):
    data = flood(partner)
    del data["api_key"]
    response = post_with_key_in_query(client, partner.raw, data)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(tracking_code=json_body(response)[0]["service_request_id"])
    assert incident.channel == Channel.OPEN311 and incident.partner_application == partner.application


def test_a_wrong_key_in_the_query_string_is_still_refused(client, partner):
    data = flood(partner)
    del data["api_key"]
    response = post_with_key_in_query(client, partner.raw[:-4] + "XXXX", data)
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_unknown_jurisdiction_is_404_on_reads_and_posts(client, partner):
    for url in ("/open311/v2/discovery.json", "/open311/v2/services.xml", "/open311/v2/requests.json"):
        assert client.get(url, {"jurisdiction_id": "sfgov.org"}).status_code == 404, url
    response = client.post(
        "/open311/v2/requests.json",
        urlencode(flood(partner, jurisdiction_id="sfgov.org")),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 404
    assert "muratarakab.go.id" in json_body(response)[0]["description"]
    assert not Incident.objects.exists()


def test_a_comma_list_of_service_codes_filters_requests(client, personas, make_incident):
    k = personas.koordinator
    flood_report = make_public(make_incident(), k)
    conflict = make_public(make_incident(category="konflik-perusahaan", desa=DESA_NIBUNG), k)
    other = make_public(make_incident(category="ketertiban-umum"), k)

    def codes(**params):
        return {r["service_request_id"] for r in client.get("/open311/v2/requests.json", params).json()}

    assert codes(service_code="bencana-banjir,konflik-perusahaan") == {
        flood_report.tracking_code,
        conflict.tracking_code,
    }
    assert codes(service_code="bencana-banjir, ketertiban-umum") == {flood_report.tracking_code, other.tracking_code}
    assert codes(service_code="bencana-banjir") == {flood_report.tracking_code}
    # One unknown code in the list is named, as a single unknown code is.
    response = client.get("/open311/v2/requests.json", {"service_code": "bencana-banjir,tidak-ada"})
    assert response.status_code == 400 and "tidak-ada" in response.json()[0]["description"]


@pytest.fixture
def posted(client, partner):
    response = client.post(
        "/open311/v2/requests.json", urlencode(flood(partner)), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 201
    return json_body(response)[0]["service_request_id"]


def test_the_partner_reads_back_its_unverified_request_with_its_own_description(client, partner, posted):
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests/{posted}.{fmt}", {"api_key": partner.raw})
        assert response.status_code == 200, response.content
        if fmt == "json":
            (request,) = json_body(response)
            assert request["service_request_id"] == posted and request["status"] == "open"
            assert request["description"] == DESCRIPTION and request["service_code"] == "bencana-banjir"
        else:
            root = xml_root(response)
            assert root.findtext("request/status") == "open"
            assert root.findtext("request/description") == DESCRIPTION
    # The reporter's identity is never part of the answer, even to the partner that sent it.
    assert b"Aminah" not in response.content and b"081234567890" not in response.content


def test_nobody_else_reads_an_unverified_partner_request(client, partner, other_partner, posted):
    # Anonymous: not public yet.
    assert client.get(f"/open311/v2/requests/{posted}.json").status_code == 404
    # Another partner's key: not theirs, and not public.
    response = client.get(f"/open311/v2/requests/{posted}.json", {"api_key": other_partner.raw})
    assert response.status_code == 404
    assert DESCRIPTION.encode() not in response.content
    # A wrong key is refused outright.
    assert client.get(f"/open311/v2/requests/{posted}.json", {"api_key": partner.raw[:-4] + "XXXX"}).status_code == 403
    # Nor do the public lists carry it.
    assert posted not in client.get("/open311/v2/requests.json").content.decode()


def test_once_verified_others_see_only_the_public_shape(client, partner, other_partner, posted, personas):
    make_public(Incident.objects.get(tracking_code=posted), personas.koordinator)
    (public,) = client.get(f"/open311/v2/requests/{posted}.json", {"api_key": other_partner.raw}).json()
    assert public["description"] != DESCRIPTION and "Banjir" in public["description"]
    (own,) = client.get(f"/open311/v2/requests/{posted}.json", {"api_key": partner.raw}).json()
    assert own["description"] == DESCRIPTION and own["status"] == "open"
