"""GET requests and requests/{id}: the public map's reports only, shaped as
the specification shapes them, with its filters, window and pagination."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from incidents.models import Incident, Status
from incidents.workflow.services import incident_assign, incident_note_add, incident_transition
from tests.factories import DESA_NIBUNG, DESA_RUPIT

from .conftest import json_body, make_public, xml_root

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
IDENTITY = ("Siti Aminah", "081234567890", "siti@example.test")
SECRET_TEXT = "Pak Budi di RT 03 nomor 0812-9999-0000"


@pytest.fixture
def reports(personas, make_incident):
    k = personas.koordinator
    flood = make_public(make_incident(description=SECRET_TEXT, title="Banjir di pasar"), k, note="Tim sedang menuju.")
    incident_assign(incident=flood, actor=k, agency="bpbd")
    conflict = make_public(make_incident(category="konflik-perusahaan", desa=None, lat=-2.7301, lng=102.9012), k)
    closed = make_public(make_incident(desa=DESA_NIBUNG), k)
    incident_assign(incident=closed, actor=k, agency="polres")
    incident_transition(incident=closed, actor=k, to=Status.DITANGANI)
    incident_transition(incident=closed, actor=k, to=Status.SELESAI, note="Air surut.", public=True)
    closed.refresh_from_db()
    fresh = make_incident()  # baru: not checked by an officer yet
    hidden = make_public(make_incident(confidential=True), k)
    rejected = make_incident()
    incident_transition(incident=rejected, actor=k, to=Status.DITOLAK, note="Bukan kejadian.", public=True)
    return {
        "flood": flood,
        "conflict": conflict,
        "closed": closed,
        "fresh": fresh,
        "hidden": hidden,
        "rejected": rejected,
    }


def codes(body):
    return {r["service_request_id"] for r in body}


def test_requests_json_lists_public_reports_in_the_spec_shape(client, reports):
    body = json_body(client.get("/open311/v2/requests.json"))
    assert codes(body) == {reports[n].tracking_code for n in ("flood", "conflict", "closed")}
    for row in body:
        assert list(row) == REQUEST_FIELDS
        assert row["status"] in ("open", "closed")
        for name in ("requested_datetime", "updated_datetime"):
            assert row[name].endswith("+07:00") and "T" in row[name] and "." not in row[name]
    flood = next(r for r in body if r["service_request_id"] == reports["flood"].tracking_code)
    assert flood["status"] == "open" and flood["service_code"] == "bencana-banjir"
    assert flood["status_notes"] == "Tim sedang menuju."
    assert flood["agency_responsible"] == "Badan Penanggulangan Bencana Daerah"
    assert flood["address_id"] == DESA_RUPIT and "Muara Rupit" in flood["address"]
    expected = timezone.localtime(reports["flood"].due_at).replace(microsecond=0).isoformat()
    assert flood["expected_datetime"] == expected
    closed = next(r for r in body if r["service_request_id"] == reports["closed"].tracking_code)
    assert closed["status"] == "closed" and closed["status_notes"] == "Air surut."
    assert closed["expected_datetime"] is None
    assert closed["agency_responsible"] == "Kepolisian Resor Musi Rawas Utara"
    conflict = next(r for r in body if r["service_request_id"] == reports["conflict"].tracking_code)
    assert conflict["agency_responsible"] is None  # not assigned yet
    # Newest first.
    created = [Incident.objects.get(tracking_code=r["service_request_id"]).created_at for r in body]
    assert created == sorted(created, reverse=True)


def test_requests_xml_has_the_same_rows_and_elements(client, reports):
    root = xml_root(client.get("/open311/v2/requests.xml"))
    assert root.tag == "service_requests" and {c.tag for c in root} == {"request"}
    assert {r.findtext("service_request_id") for r in root} == codes(client.get("/open311/v2/requests.json").json())
    for request in root:
        assert [c.tag for c in request] == REQUEST_FIELDS
    closed = next(r for r in root if r.findtext("service_request_id") == reports["closed"].tracking_code)
    assert closed.findtext("status") == "closed" and closed.findtext("expected_datetime") == ""


def test_no_identity_free_text_or_non_public_report_in_any_answer(client, reports):
    conflict = reports["conflict"]
    urls = [f"/open311/v2/requests.{f}" for f in ("json", "xml")]
    urls += [f"/open311/v2/requests/{reports[n].tracking_code}.{f}" for n in reports for f in ("json", "xml")]
    for url in urls:
        text = client.get(url).content.decode()
        for secret in (*IDENTITY, SECRET_TEXT, "Banjir di pasar", "Bukan kejadian."):
            assert secret not in text, (url, secret)
        for name in ("fresh", "hidden", "rejected"):
            assert reports[name].tracking_code not in text or "tidak ditemukan" in text, (url, name)
        # A conflict shows at the desa centroid, never at the reported point.
        assert "102.9012" not in text and "-2.7301" not in text
    row = next(
        r for r in client.get("/open311/v2/requests.json").json() if r["service_request_id"] == conflict.tracking_code
    )
    assert (row["lat"], row["long"]) == (round(conflict.desa.lat, 5), round(conflict.desa.lng, 5))


@pytest.mark.parametrize("name", ["fresh", "hidden", "rejected"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_that_is_not_public_is_404(client, reports, name, fmt):
    response = client.get(f"/open311/v2/requests/{reports[name].tracking_code}.{fmt}")
    assert response.status_code == 404
    body = response.json() if fmt == "json" else None
    if fmt == "json":
        assert body[0]["code"] == 404
    else:
        assert xml_root(response).findtext("error/code") == "404"


def test_one_request_in_both_formats_and_forgiving_about_the_code(client, reports):
    code = reports["flood"].tracking_code
    body = json_body(client.get(f"/open311/v2/requests/{code.lower().replace('-', '')}.json"))
    assert [r["service_request_id"] for r in body] == [code]
    root = xml_root(client.get(f"/open311/v2/requests/{code}.xml"))
    assert root.tag == "service_requests" and [r.findtext("service_request_id") for r in root] == [code]
    assert client.get("/open311/v2/requests/KA-0000-00000.json").status_code == 404
    assert client.get("/open311/v2/requests/KA%00.json").status_code == 404
    assert client.get("/open311/v2/services/bencana%00banjir.json").status_code == 404


def test_filters(client, reports, personas):
    flood, closed = reports["flood"].tracking_code, reports["closed"].tracking_code
    get = lambda **p: codes(client.get("/open311/v2/requests.json", p).json())  # noqa: E731
    assert get(status="closed") == {closed}
    assert get(status="open") == {flood, reports["conflict"].tracking_code}
    assert get(status="open,closed") == get()
    assert get(service_code="konflik-perusahaan") == {reports["conflict"].tracking_code}
    # service_request_id overrides every other filter; non-public codes are left out.
    assert get(service_request_id=f"{flood}, {closed},{reports['fresh'].tracking_code}", status="closed") == {
        flood,
        closed,
    }
    # The window: reports older than 90 days are left out by default.
    Incident.objects.filter(pk=reports["closed"].pk).update(created_at=timezone.now() - timedelta(days=120))
    assert closed not in get()
    start = (timezone.localtime() - timedelta(days=130)).date().isoformat()
    assert get(start_date=start) == {closed}
    end = (timezone.localtime() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert get(end_date=end) == {closed}
    # An unencoded '+' of the offset arrives as a space: still understood.
    response = client.get(f"/open311/v2/requests.json?end_date={end.replace('+', '%20')}")
    assert codes(response.json()) == {closed}


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"status": "pending"}, "status"),
        ({"start_date": "kemarin"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "90 hari"),
        ({"start_date": "2026-06-01", "end_date": "2026-05-01"}, "end_date"),
        ({"start_date": "0001-01-01"}, "tahun"),
        ({"service_code": "tidak-ada"}, "service_code"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "5000"}, "page_size"),
        ({"after": "bukan-penanda"}, "after"),
        ({"service_code": "bencana\x00banjir"}, "karakter"),
        ({"status": "open\x00"}, "karakter"),
        ({"service_request_id": ",".join(["KA-2222-22222"] * 1001)}, "1.000"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400_with_an_open311_error(client, params, fragment, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    assert response.status_code == 400
    if fmt == "json":
        (error,) = response.json()
        assert error["code"] == 400 and fragment in error["description"]
    else:
        root = xml_root(response)
        assert root.tag == "errors" and root.findtext("error/code") == "400"
        assert fragment in root.findtext("error/description")


def test_keyset_pagination_through_the_link_header(client, personas, make_incident, settings):
    settings.SITE_URL = "https://kitaaman.example"
    made = {make_public(make_incident(), personas.koordinator).tracking_code for _ in range(5)}
    seen, url, pages = [], "/open311/v2/requests.xml?page_size=2&status=open", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [r.findtext("service_request_id") for r in xml_root(response)]
        pages += 1
        link = response.get("Link")
        if link:
            assert link.endswith('; rel="next"') and link.startswith("<https://kitaaman.example/open311/v2/")
            target = urlsplit(link[1 : link.index(">")])
            assert parse_qs(target.query)["page_size"] == ["2"] and parse_qs(target.query)["status"] == ["open"]
            url = f"{target.path}?{target.query}"
        else:
            url = None
    assert pages == 3 and len(seen) == len(set(seen)) == 5 and set(seen) == made
    # The default page holds them all and needs no link.
    response = client.get("/open311/v2/requests.json")
    assert "Link" not in response and codes(response.json()) == made


def test_one_query_per_page_however_many_rows(client, personas, make_incident, django_assert_max_num_queries):
    for _ in range(6):
        incident = make_public(make_incident(), personas.koordinator, note="Dicek.")
        incident_note_add(incident=incident, actor=personas.koordinator, text="Catatan publik", public=True)
    with django_assert_max_num_queries(3):
        body = client.get("/open311/v2/requests.json").json()
    assert len(body) == 6 and {r["status_notes"] for r in body} == {"Catatan publik"}
