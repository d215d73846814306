"""Safety of the public intake: unguessable codes, refusals that save nothing,
no 500 for any body, and no reporter identity in any public answer."""

import json
import math
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from incidents.intake.tracking import ALPHABET, LENGTH, new_tracking_code, normalize_tracking_code
from incidents.models import Incident, IncidentEvent, Status
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
NAME, PHONE, EMAIL = "Rahmat Hidayatullah", "0812-9988-7766", "rahmat.pelapor@example.test"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"report_submit": "100000/hour", "track": "100000/hour"},
    }


def valid(**overrides):
    data = {
        "category": "bencana-banjir",
        "description": "Air Sungai Rawas meluap ke permukiman.",
        "desa": DESA_RUPIT,
        "consent": True,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def post_json(client, body):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, raw, content_type="application/json")


# --- tracking codes ---------------------------------------------------------------------------------


def test_tracking_codes_are_unguessable():
    assert not set("0O1IL U") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 30
    assert LENGTH * math.log2(len(ALPHABET)) >= 40
    codes = [new_tracking_code() for _ in range(10_000)]
    assert len(set(codes)) == 10_000
    pattern = re.compile(rf"KA-[{ALPHABET}]{{4}}-[{ALPHABET}]{{5}}")
    assert all(pattern.fullmatch(c) for c in codes)
    # Every symbol is used about equally often in every position (no structure to guess).
    for position in range(LENGTH):
        counts = Counter((c[3:7] + c[8:])[position] for c in codes)
        assert set(counts) == set(ALPHABET)
        assert max(counts.values()) < 2 * 10_000 / 30


def test_codes_typed_by_a_citizen_are_normalised():
    code = new_tracking_code()
    assert normalize_tracking_code(code.lower()) == code
    assert normalize_tracking_code(" " + code.replace("-", " ") + " ") == code
    assert normalize_tracking_code(code[3:].replace("-", "")) == code
    assert normalize_tracking_code("KA-123") == ""


def test_the_answer_never_exposes_the_sequential_id(client):
    response = post_json(client, valid())
    assert response.status_code == 201
    body = response.json()
    assert "id" not in body
    assert str(Incident.objects.get().pk) not in body["tracking_code"]


# --- refusals: clear 400, nothing saved --------------------------------------------------------------


def future():
    return (timezone.now() + timedelta(days=2)).isoformat()


CASES = [
    ("outside Muratara", valid(desa=..., lat=-6.2, lng=106.8), "lat"),
    ("point only half given", valid(desa=..., lat=-2.7), "lat"),
    ("desa not in kecamatan", valid(desa=DESA_NIBUNG, kecamatan="16.13.01"), "desa"),
    ("unknown desa", valid(desa="16.13.01.9999"), "desa"),
    ("unknown kecamatan", valid(kecamatan="16.13.99"), "kecamatan"),
    ("no location", valid(desa=...), "desa"),
    ("unknown category", valid(category="pencurian-ayam"), "category"),
    ("missing category", valid(category=...), "category"),
    ("missing consent", valid(consent=...), "consent"),
    ("consent false", valid(consent=False), "consent"),
    ("missing description", valid(description=...), "description"),
    ("blank description", valid(description="   "), "description"),
    ("future occurred_at", valid(occurred_at=future()), "occurred_at"),
    ("ancient occurred_at", valid(occurred_at="0001-01-01T00:00:00"), "occurred_at"),
    ("bad occurred_at", valid(occurred_at="kemarin sore"), "occurred_at"),
    ("string for lat", valid(desa=..., lat="utara", lng=102.8), "lat"),
    ("NaN lat", valid(desa=..., lat="NaN", lng="102.8"), "lat"),
    ("infinite lng", valid(desa=..., lat=-2.7, lng="Infinity"), "lng"),
    ("object for lat", valid(desa=..., lat={"a": 1}, lng=102.8), "lat"),
    ("list for details", valid(details=[1, 2, 3]), "details"),
    ("number for details", valid(details=5), "details"),
    ("huge description", valid(description="x" * 100_000), "description"),
    ("huge name", valid(reporter_name="N" * 10_000), "reporter_name"),
    ("huge details", valid(details={"catatan": "y" * 50_000}), "details"),
    ("bad e-mail", valid(reporter_email="bukan-email"), "reporter_email"),
    ("bad client_uuid", valid(client_uuid="123"), "client_uuid"),
    ("NUL in description", valid(description="air\x00naik"), "description"),
    (
        "NUL in details",
        valid(category="ketertiban-umum", details={"jenis_gangguan": "lainnya", "aturan_dilanggar": "a\x00b"}),
        "details",
    ),
    ("detail out of range", valid(details={"meninggal": -3}), "details.meninggal"),
    ("detail wrong type", valid(details={"meninggal": "banyak"}), "details.meninggal"),
    ("detail float", valid(details={"mengungsi": 2.5}), "details.mengungsi"),
    ("bad choice", valid(category="ketertiban-umum", details={"jenis_gangguan": "begal"}), "details.jenis_gangguan"),
    ("missing required detail", valid(category="kebakaran-permukiman", details={}), "details.jumlah_bangunan"),
    ("photos in JSON", valid(photos=["data:image/png;base64,AAAA", "x"]), "photos"),
    ("photos not a list", valid(photos="foto.jpg"), "photos"),
    ("boolean as text", valid(anonymous="mungkin"), "anonymous"),
]


@pytest.mark.parametrize("name,body,field", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_400_and_saves_nothing(client, name, body, field):
    response = post_json(client, body)
    assert response.status_code == 400, (name, response.content)
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error["fields"]
    # The declared envelope: every field maps to a flat list of messages.
    for messages in error["fields"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) and m for m in messages), error["fields"]
    assert Incident.objects.count() == 0
    assert IncidentEvent.objects.count() == 0


def test_messages_are_in_bahasa_indonesia(client):
    error = post_json(client, valid(consent=False, desa=..., lat=-6.2, lng=106.8)).json()["error"]
    assert error["fields"]["consent"] == ["Persetujuan pemrosesan data pribadi wajib diberikan."]
    assert error["fields"]["lat"] == ["Titik lokasi berada di luar Kabupaten Musi Rawas Utara."]
    missing = post_json(client, {"consent": True}).json()["error"]["fields"]
    assert missing["description"] == ["Bidang ini harus diisi."]


@pytest.mark.parametrize(
    "raw",
    [
        "{bukan json",
        '{"category": "bencana-banjir",',
        "[1, 2, 3]",
        "42",
        '"teks"',
        "null",
        "[" * 100_000 + "]" * 100_000,
        '{"a": ' * 5000 + "1" + "}" * 5000,
        '{"lat": 1' + "0" * 5000 + "}",
    ],
    ids=["broken", "unterminated", "array", "number", "string", "null", "deep-array", "deep-object", "huge-int"],
)
def test_malformed_json_is_a_400_envelope(client, raw):
    response = post_json(client, raw)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] in ("parse_error", "invalid")
    assert Incident.objects.count() == 0


def test_body_over_the_upload_limit_is_refused_without_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = post_json(client, valid(description="z" * 200_000))
    assert response.status_code in (400, 413)
    assert response.json()["error"]["code"]
    assert Incident.objects.count() == 0


def test_too_many_form_fields_is_a_400_envelope(client):
    fields = {f"isian{i}": "x" for i in range(1500)}
    response = client.post(URL, fields)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert Incident.objects.count() == 0


def test_unsupported_content_type_is_415_envelope(client):
    response = client.post(URL, "kategori=banjir", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_only_post_is_allowed(client):
    for method in ("get", "put", "patch", "delete"):
        response = getattr(client, method)(URL)
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "category",
    "description",
    "title",
    "occurred_at",
    "desa",
    "kecamatan",
    "lat",
    "lng",
    "location_detail",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "anonymous",
    "confidential",
    "consent",
    "details",
    "client_uuid",
    "website",
    "photos",
]
PLAUSIBLE = {
    "category": st.sampled_from(
        ["bencana-banjir", "konflik-perusahaan", "kebakaran-permukiman", "ketertiban-umum", "x"]
    ),
    "desa": st.sampled_from([DESA_RUPIT, DESA_NIBUNG, "16.13.01.9999", ""]),
    "kecamatan": st.sampled_from(["16.13.01", "16.13.03", "99"]),
    "lat": st.floats(min_value=-3.2, max_value=-2.2) | st.text(max_size=8),
    "lng": st.floats(min_value=102.0, max_value=103.4) | st.text(max_size=8),
    "consent": st.booleans(),
    "details": st.dictionaries(
        st.sampled_from(
            ["meninggal", "mengungsi", "ada_kekerasan", "jumlah_bangunan", "pokok_masalah", "perusahaan", "x"]
        ),
        JSON_VALUES,
        max_size=5,
    ),
    "occurred_at": st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=20),
    "client_uuid": st.uuids().map(str) | st.text(max_size=10),
}


@st.composite
def bodies(draw):
    keys = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=len(FIELDS)))
    body = {}
    for key in keys:
        strategy = PLAUSIBLE.get(key, JSON_VALUES)
        body[key] = draw(st.one_of(strategy, JSON_VALUES) if key in PLAUSIBLE else strategy)
    if draw(st.booleans()):
        body.setdefault("description", "Kejadian di desa.")
        body.setdefault("consent", True)
    extra = draw(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=2))
    return {**extra, **body}


@hyp_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=bodies() | JSON_VALUES)
def test_no_json_body_causes_a_server_error(client, body):
    response = client.post(URL, json.dumps(body, allow_nan=True), content_type="application/json")
    assert response.status_code < 500, (body, response.content[:500])
    if response.status_code >= 400:
        assert "error" in response.json()


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=30), max_size=8))
def test_no_form_body_causes_a_server_error(client, fields):
    response = client.post(URL, fields)
    assert response.status_code < 500, (fields, response.content[:500])


# --- identity never public ---------------------------------------------------------------------------


def test_reporter_identity_never_appears_in_any_public_answer(client, make_incident):
    reports = [
        make_incident(
            category="bencana-banjir",
            reporter_name=NAME,
            reporter_phone=PHONE,
            reporter_email=EMAIL,
            lat=-2.7,
            lng=102.89,
        ),
        make_incident(category="konflik-perusahaan", reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL),
        make_incident(
            category="kebakaran-permukiman",
            reporter_name=NAME,
            reporter_phone=PHONE,
            reporter_email=EMAIL,
            anonymous=True,
        ),
        make_incident(
            category="ketertiban-umum",
            reporter_name=NAME,
            reporter_phone=PHONE,
            reporter_email=EMAIL,
            confidential=True,
        ),
    ]
    Incident.objects.filter(pk__in=[r.pk for r in reports[:3]]).update(status=Status.DITANGANI)
    created = post_json(client, valid(reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL))
    assert created.status_code == 201
    answers = [created]
    answers += [client.get(f"/api/v1/reports/track/{r.tracking_code}/") for r in reports]
    answers.append(client.get(f"/api/v1/reports/track/{created.json()['tracking_code']}/"))
    answers.append(client.get("/api/v1/reports/public.geojson"))
    answers.append(client.get("/api/v1/categories/"))
    answers.append(client.get("/api/v1/areas/?level=desa"))
    assert all(a.status_code in (200, 201) for a in answers)
    for answer in answers:
        raw = answer.content
        for secret in (NAME, PHONE, EMAIL, "Rahmat", "9988", "rahmat.pelapor"):
            assert secret.encode() not in raw, (answer.request["PATH_INFO"], secret)
