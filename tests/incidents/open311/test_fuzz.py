"""No input gives a 5xx: Hypothesis over the form and query parameters of
every endpoint. A refused submission stores nothing."""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from incidents.models import Incident

pytestmark = pytest.mark.django_db

FUZZ = hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY_TEXT = st.text(max_size=60)
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str), ANY_TEXT)
CODES = st.sampled_from(["bencana-banjir", "konflik-perusahaan", "kebakaran-permukiman", "", "tidak-ada"]) | ANY_TEXT
DESA = (
    st.sampled_from(["Muara Rupit", "16.13.01.1007", "1613032001", "pauh 1", "Karang Dapo, Karang Dapo", ""]) | ANY_TEXT
)
# Only addresses that never leave this machine (no DNS for invented host names).
MEDIA = st.sampled_from(
    [
        "",
        "ftp://x/y.jpg",
        "javascript:alert(1)",
        "http://",
        "http://[::1",
        "http://127.0.0.1:1/x.jpg",
        "http://10.0.0.1:99999/",
    ]
)
ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        ["rumah_terendam", "pokok_masalah", "perusahaan", "ada_kekerasan", "jumlah_orang", "meninggal", "x]", ""]
    ).map(lambda c: f"attribute[{c}]"),
    ANY_TEXT | st.sampled_from(["true", "false", "12", "-1", "1e9", "tanah-sumber-daya"]),
    max_size=5,
)


@pytest.fixture
def open_throttle(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "open311": "100000/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@given(
    service_code=CODES,
    lat=NUMBERS,
    long=NUMBERS,
    address_string=DESA,
    address_id=DESA,
    description=st.text(max_size=300),
    email=ANY_TEXT,
    first_name=ANY_TEXT,
    phone=ANY_TEXT,
    media_url=MEDIA,
    device_id=ANY_TEXT,
    attributes=ATTRIBUTES,
    with_key=st.booleans(),
    fmt=st.sampled_from(["json", "xml"]),
)
@FUZZ
def test_post_requests_never_5xx(client, partner, open_throttle, with_key, fmt, attributes, **fields):
    data = {**fields, **attributes}
    if with_key:
        data["api_key"] = partner.raw
    before = Incident.objects.count()
    response = client.post(
        f"/open311/v2/requests.{fmt}", urlencode(data), content_type="application/x-www-form-urlencoded"
    )
    # 404 only for another jurisdiction (the specification's answer).
    allowed = (200, 201, 400, 403, 404) if str(fields.get("jurisdiction_id", "")).strip() else (200, 201, 400, 403)
    assert response.status_code in allowed, response.content
    if response.status_code >= 400:
        assert Incident.objects.count() == before
    if not with_key:
        assert response.status_code == 403


@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "service_request_id": ANY_TEXT,
            "service_code": CODES,
            "start_date": ANY_TEXT | st.datetimes().map(lambda d: d.isoformat()),
            "end_date": ANY_TEXT | st.dates().map(str),
            "status": ANY_TEXT | st.sampled_from(["open", "closed", "open,closed"]),
            "page_size": NUMBERS,
            "after": ANY_TEXT,
            "jurisdiction_id": ANY_TEXT,
        },
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
@FUZZ
def test_get_requests_never_5xx(client, params, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    # 404 only for another jurisdiction (the specification's answer).
    allowed = (200, 400, 404) if params.get("jurisdiction_id", "").strip() else (200, 400)
    assert response.status_code in allowed, response.content


@given(segment=st.text(min_size=1, max_size=40), fmt=st.sampled_from(["json", "xml", "html", ""]))
@FUZZ
def test_path_parameters_never_5xx(client, segment, fmt):
    quoted = quote(segment, safe="")
    for path in (f"/open311/v2/services/{quoted}.{fmt}", f"/open311/v2/requests/{quoted}.{fmt}"):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)


VALID = {
    "service_code": "bencana-banjir",
    "lat": "-2.7208",
    "long": "102.8941",
    "description": "Air sungai meluap.",
    "attribute[rumah_terendam]": "3",
    "email": "warga@example.test",
}


@given(
    changes=st.dictionaries(
        st.sampled_from([*VALID, "address_string", "first_name", "phone", "attribute[meninggal]", "jurisdiction_id"]),
        ANY_TEXT | NUMBERS,
        min_size=1,
        max_size=3,
    )
)
@FUZZ
def test_one_bad_field_in_an_otherwise_valid_report(client, partner, open_throttle, changes):
    data = {**VALID, **changes, "api_key": partner.raw}
    before = Incident.objects.count()
    response = client.post(
        "/open311/v2/requests.json", urlencode(data), content_type="application/x-www-form-urlencoded"
    )
    # 404 only for another jurisdiction (the specification's answer).
    allowed = (200, 201, 400, 404) if str(changes.get("jurisdiction_id", "")).strip() else (200, 201, 400)
    assert response.status_code in allowed, response.content
    body = response.json()
    if response.status_code == 201:
        assert Incident.objects.count() == before + 1
        assert Incident.objects.get(tracking_code=body[0]["service_request_id"]).channel == "open311"
    elif response.status_code in (400, 404):
        assert Incident.objects.count() == before
        assert all(e["code"] == response.status_code and e["description"] for e in body)
