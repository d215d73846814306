"""discovery, services and services/{code}: the specification's shapes in
JSON and XML, for anybody (no key, no login)."""

import pytest

from incidents.models import Category

from .conftest import json_body, xml_root

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def test_discovery_json_and_xml(client, settings):
    settings.SITE_URL = "https://kitaaman.example"
    body = json_body(client.get("/open311/v2/discovery.json"))
    assert set(body) >= {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://kitaaman.example/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"
    assert endpoint["changeset"].endswith("+07:00")

    root = xml_root(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("contact") == body["contact"]
    endpoints = root.find("endpoints")
    assert [e.tag for e in endpoints] == ["endpoint"]
    assert [f.text for f in endpoints.find("endpoint/formats")] == ["text/xml", "application/json"]
    assert all(f.tag == "format" for f in endpoints.find("endpoint/formats"))
    assert endpoints.findtext("endpoint/url") == "https://kitaaman.example/open311/v2"


def test_services_one_per_active_category(client):
    Category.objects.filter(code="bencana-gempa").update(active=False)
    Category.objects.filter(code="bencana-longsor").update(questions=[])
    active = list(Category.objects.filter(active=True).order_by("sort_order", "name"))
    body = json_body(client.get("/open311/v2/services.json"))
    assert [s["service_code"] for s in body] == [c.code for c in active]
    for service in body:
        assert list(service) == SERVICE_FIELDS
        assert service["type"] == "realtime"
        assert isinstance(service["metadata"], bool)
    banjir = next(s for s in body if s["service_code"] == "bencana-banjir")
    assert banjir["service_name"] == "Banjir" and banjir["group"] == "Bencana alam"
    assert banjir["metadata"] is True and "DIBI 101" in banjir["keywords"]
    longsor = next(s for s in body if s["service_code"] == "bencana-longsor")
    assert longsor["metadata"] is False  # no extra questions

    root = xml_root(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    assert [s.findtext("service_code") for s in root] == [c.code for c in active]
    first = root[0]
    assert [child.tag for child in first] == SERVICE_FIELDS
    assert first.findtext("metadata") in ("true", "false")


def test_service_definition_lists_the_questions_as_attributes(client):
    category = Category.objects.get(code="konflik-perusahaan")
    body = json_body(client.get("/open311/v2/services/konflik-perusahaan.json"))
    assert list(body) == ["service_code", "attributes"]
    assert body["service_code"] == "konflik-perusahaan"
    assert [a["code"] for a in body["attributes"]] == [q["code"] for q in category.citizen_questions()]
    for order, attribute in enumerate(body["attributes"], start=1):
        assert list(attribute) == ATTRIBUTE_FIELDS
        assert attribute["variable"] is True and attribute["order"] == order
        assert attribute["datatype"] in DATATYPES
        assert isinstance(attribute["required"], bool)
    by_code = {a["code"]: a for a in body["attributes"]}
    source = by_code["pokok_masalah"]
    assert source["datatype"] == "singlevaluelist" and source["required"] is True
    assert {"key": "batas-wilayah", "name": source["values"][1]["name"]} == source["values"][1]
    # The UU 7/2012 classification is the officer's, not a partner's.
    assert "sumber_konflik" not in by_code
    assert by_code["perusahaan"]["datatype"] == "string" and by_code["perusahaan"]["values"] == []
    assert by_code["pihak_terlibat"]["datatype"] == "text"
    assert by_code["jumlah_orang"]["datatype"] == "number"
    assert [v["key"] for v in by_code["ada_kekerasan"]["values"]] == ["true", "false"]

    root = xml_root(client.get("/open311/v2/services/konflik-perusahaan.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "konflik-perusahaan"
    attributes = root.find("attributes")
    assert {a.tag for a in attributes} == {"attribute"}
    first = attributes[0]
    assert [c.tag for c in first] == ATTRIBUTE_FIELDS
    assert first.findtext("variable") == "true" and first.findtext("required") == "true"
    values = first.find("values")
    assert {v.tag for v in values} == {"value"}
    assert [c.tag for c in values[0]] == ["key", "name"]
    # An attribute without choices still has its (empty) values wrapper.
    perusahaan = next(a for a in attributes if a.findtext("code") == "perusahaan")
    assert list(perusahaan.find("values")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_inactive_service_is_404_in_the_error_format(client, fmt):
    Category.objects.filter(code="bencana-gempa").update(active=False)
    for code in ("tidak-ada", "bencana-gempa"):
        response = client.get(f"/open311/v2/services/{code}.{fmt}")
        assert response.status_code == 404
        if fmt == "json":
            (error,) = response.json()
            assert error["code"] == 404 and code in error["description"]
        else:
            root = xml_root(response)
            assert root.tag == "errors" and [e.tag for e in root] == ["error"]
            assert root.findtext("error/code") == "404" and code in root.findtext("error/description")


def test_unknown_format_is_404_with_a_json_error(client):
    response = client.get("/open311/v2/services.html")
    assert response.status_code == 404
    assert response.json()[0]["description"].startswith("Format tidak dikenal")


def test_jurisdiction_may_be_left_out_but_not_wrong(client, settings):
    settings.OPEN311_JURISDICTION_ID = "muratarakab.go.id"
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "muratarakab.go.id"}).status_code == 200
    response = client.get("/open311/v2/services.json", {"jurisdiction_id": "sfgov.org"})
    # The specification: an unknown jurisdiction_id is 404.
    assert response.status_code == 404
    assert "muratarakab.go.id" in response.json()[0]["description"]


def test_reads_refuse_other_methods_and_allow_cross_origin_reads(client):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json()[0]["code"] == 405
    assert client.get("/open311/v2/services.json")["Access-Control-Allow-Origin"] == "*"


def test_xml_survives_control_characters_and_markup_in_stored_text(client):
    Category.objects.filter(code="bencana-banjir").update(description="Air <b>naik</b> & \x01deras\x0b")
    root = xml_root(client.get("/open311/v2/services.xml"))
    banjir = next(s for s in root if s.findtext("service_code") == "bencana-banjir")
    assert banjir.findtext("description") == "Air <b>naik</b> & deras"
    body = client.get("/open311/v2/services.json").json()
    assert next(s for s in body if s["service_code"] == "bencana-banjir")["description"] == "Air <b>naik</b> & deras"


def test_api_docs_link_to_the_open311_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/open311/v2/discovery.json" in schema and "GeoReport v2" in schema
