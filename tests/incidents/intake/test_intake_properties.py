"""Property tests of the intake with Hypothesis: whatever a client sends, the
answer is one of 201/200/400/413/429 (the form: 302/200/429), never a server
error, and a refused payload leaves nothing behind (no report, photo, event,
outbox message or file).

Payloads: strings with NUL, lone surrogates and control characters, huge
strings, `details` nested far deeper than any stack, extreme numbers
(Infinity, NaN, 5,000-digit integers), extreme and impossible dates, and a
valid report with each field left out in turn. The number of examples each
property ran is printed at the end of the pytest run (tests/figures.py).
"""

import json
import uuid

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, note
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from incidents.models import Incident, IncidentEvent, IncidentPhoto
from kitaaman.models import OutboxMessage
from tests.factories import DESA_NIBUNG, DESA_RUPIT, RUPIT
from tests.figures import record

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"
API_ANSWERS = {200, 201, 400, 413, 429}
EXAMPLES = {"api-json": 300, "api-multipart": 80, "form": 80, "staff-json": 120}
RAN = {}

# --- values ---------------------------------------------------------------------------------------

LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROL = st.characters(max_codepoint=0x1F) | st.just("\x7f")
NASTY_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.one_of(st.characters(), LONE_SURROGATES, CONTROL, st.just("\x00")), max_size=30),
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=10), st.text(max_size=10)),
    st.builds(lambda a, s: a + s, st.text(max_size=10), LONE_SURROGATES),
    st.sampled_from(["x" * 5001, "y" * 100_000, "=HYPERLINK(1)", "<script>", "\u202e", "ﷺ" * 300, " " * 50]),
)
EXTREME_NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**63, -(2**63) - 1, 1e308, -1e-308, 10**400]),
)
EXTREME_DATES = st.one_of(
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-23:59",
            "0245-09-13T15:14:55+22:53",
            "2026-02-30T10:00:00",
            "2026-13-01",
            "0000-00-00",
            "",
            "kemarin sore",
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | EXTREME_NUMBERS | NASTY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(NASTY_TEXT, children, max_size=3),
    max_leaves=8,
)
DEEP = st.integers(min_value=1, max_value=3000)


def deep_details(depth: int) -> str:
    """`details` nested `depth` levels, as JSON text (json.dumps itself would overflow)."""
    return '{"a":' * depth + "1" + "}" * depth


FIELD_VALUES = {
    "category": st.sampled_from(["bencana-banjir", "konflik-perusahaan", "kebakaran-permukiman", ""]) | NASTY_TEXT,
    "description": NASTY_TEXT,
    "title": NASTY_TEXT,
    "occurred_at": EXTREME_DATES,
    "desa": st.sampled_from([DESA_RUPIT, DESA_NIBUNG, "16.13.01.9999"]) | NASTY_TEXT,
    "kecamatan": st.sampled_from([RUPIT, "16.13.99"]) | NASTY_TEXT,
    "lat": EXTREME_NUMBERS | st.floats(min_value=-3.2, max_value=-2.2) | NASTY_TEXT,
    "lng": EXTREME_NUMBERS | st.floats(min_value=102.0, max_value=103.4) | NASTY_TEXT,
    "location_detail": NASTY_TEXT,
    "reporter_name": NASTY_TEXT,
    "reporter_phone": NASTY_TEXT,
    "reporter_email": NASTY_TEXT | st.emails(),
    "anonymous": st.booleans() | JSON_VALUES,
    "confidential": st.booleans() | JSON_VALUES,
    "consent": st.booleans() | JSON_VALUES,
    "details": st.dictionaries(
        st.sampled_from(["meninggal", "rumah_terendam", "ada_kekerasan", "sumber_konflik", "x"]) | NASTY_TEXT,
        JSON_VALUES,
        max_size=4,
    )
    | JSON_VALUES,
    "client_uuid": st.uuids().map(str) | NASTY_TEXT,
    "website": st.just("") | JSON_VALUES,
}
FIELDS = sorted(FIELD_VALUES)


def valid_report(**overrides):
    body = {
        "category": "bencana-banjir",
        "description": "Air Sungai Rupit meluap ke rumah warga.",
        "desa": DESA_RUPIT,
        "consent": True,
        "client_uuid": str(uuid.uuid4()),
    }
    body.update(overrides)
    return body


@st.composite
def report_bodies(draw):
    """(body, depth): a valid report with some fields replaced by hostile values
    and some left out; depth, when given, nests `details` that many levels."""
    body = valid_report()
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=6)):
        body[name] = draw(FIELD_VALUES[name])
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=2)):
        body.pop(name, None)
    depth = draw(DEEP) if draw(st.integers(0, 9)) == 0 else None
    return body, depth


def as_json(body: dict, depth: int | None) -> str:
    if depth is None:
        return json.dumps(body, allow_nan=True)
    return json.dumps({**body, "details": "__DEEP__"}, allow_nan=True).replace('"__DEEP__"', deep_details(depth))


# --- what must hold after every answer ---------------------------------------------------------------


def footprint():
    media = django_settings.MEDIA_ROOT
    files = sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0
    return (
        Incident.objects.count(),
        IncidentPhoto.objects.count(),
        IncidentEvent.objects.count(),
        OutboxMessage.objects.count(),
        files,
    )


def check(before, status, *, accepted, replayed, refused, bot=False):
    after = footprint()
    if bot and status in accepted:
        # The bot trap (`website` filled in) answers like a success and keeps nothing.
        refused = refused | accepted
    if status in refused:
        assert after == before, f"a refused payload ({status}) left something behind: {before} -> {after}"
    elif status in replayed:
        assert after[0] == before[0], "a resend created a report"
    else:
        assert status in accepted, status
        assert after[0] == before[0] + 1


@pytest.fixture
def open_limits(settings):
    rates = {scope: "1000000/hour" for scope in ("report_submit", "report_address", "track", "token")}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def counted(name):
    RAN[name] = RAN.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    for name, ran in RAN.items():
        record(f"hypothesis {name}: {ran} examples")


SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the public API ---------------------------------------------------------------------------------


@hyp_settings(max_examples=EXAMPLES["api-json"], **SETTINGS)
@given(report=report_bodies())
def test_api_json(client, open_limits, report):
    counted("api-json")
    body, depth = report
    text = as_json(body, depth)
    before = footprint()
    response = client.post(API, text, content_type="application/json")
    note(f"{response.status_code} {response.content[:300]!r}")
    assert response.status_code in API_ANSWERS
    if response.status_code >= 400:
        assert "error" in response.json()
    bot = bool(body.get("website"))
    check(before, response.status_code, accepted={201}, replayed={200}, refused={400, 413, 429}, bot=bot)


def form_value(value):
    # A form carries text; surrogates cannot even be encoded, so they are sent as replacement characters.
    text = value if isinstance(value, str) else json.dumps(value, allow_nan=True)
    return text.encode("utf-8", "replace").decode("utf-8")


@hyp_settings(max_examples=EXAMPLES["api-multipart"], **SETTINGS)
@given(
    overrides=st.dictionaries(st.sampled_from(FIELDS), st.one_of(*FIELD_VALUES.values()), max_size=5),
    depth=st.none() | DEEP,
)
def test_api_multipart(client, open_limits, overrides, depth):
    counted("api-multipart")
    body = {k: form_value(v) for k, v in {**valid_report(consent="true", website=""), **overrides}.items()}
    if depth:
        body["details"] = deep_details(depth)
    before = footprint()
    response = client.post(API, body)
    note(f"{response.status_code} {response.content[:300]!r}")
    assert response.status_code in API_ANSWERS, (response.status_code, response.content[:300])
    check(
        before, response.status_code, accepted={201}, replayed={200}, refused={400, 413, 429}, bot=bool(body["website"])
    )


@pytest.mark.parametrize("missing", FIELDS)
def test_each_field_missing_in_turn(client, open_limits, missing):
    body = valid_report(reporter_email="warga@example.test", title="Banjir", details={"rumah_terendam": 3})
    body.pop(missing, None)
    before = footprint()
    response = client.post(API, json.dumps(body), content_type="application/json")
    required = {"category", "description", "consent", "desa"}  # desa: the only place given
    if missing in required:
        assert response.status_code == 400 and missing in response.json()["error"]["fields"]
    else:
        assert response.status_code == 201, (missing, response.content)
    check(before, response.status_code, accepted={201}, replayed={200}, refused={400})


# --- the form -----------------------------------------------------------------------------------------


@hyp_settings(max_examples=EXAMPLES["form"], **SETTINGS)
@given(overrides=st.dictionaries(st.sampled_from(FIELDS), st.one_of(*FIELD_VALUES.values()), max_size=5))
def test_form(client, open_limits, overrides):
    counted("form")
    data = {"category": "bencana-banjir", "description": "Air naik.", "kecamatan": RUPIT, "desa": DESA_RUPIT}
    data.update({"consent": "on", "client_uuid": str(uuid.uuid4())})
    data.update({k: form_value(v) for k, v in overrides.items()})
    before = footprint()
    response = client.post("/lapor/", data)
    assert response.status_code in {302, 200, 429}, (response.status_code, response.content[:300])
    bot = bool(data.get("website"))
    check(before, response.status_code, accepted={302}, replayed=set(), refused={200, 429}, bot=bot)


# --- the staff API --------------------------------------------------------------------------------


@hyp_settings(max_examples=EXAMPLES["staff-json"], **SETTINGS)
@given(report=report_bodies(), reported_at=st.none() | EXTREME_DATES, channel=st.none() | NASTY_TEXT)
def test_staff_json(personas_once, open_limits, report, reported_at, channel):
    counted("staff-json")
    body, depth = report
    body = {**body, "reported_at": reported_at, "channel": channel}
    body = {k: v for k, v in body.items() if v is not None}
    client = APIClient()
    client.force_authenticate(personas_once.koordinator)
    before = footprint()
    response = client.post("/api/v1/incidents/", as_json(body, depth), content_type="application/json")
    note(f"{response.status_code} {response.content[:300]!r}")
    assert response.status_code in {200, 201, 400, 413}, (response.status_code, response.content[:300])
    check(before, response.status_code, accepted={201}, replayed={200}, refused={400, 413})


@pytest.fixture
def personas_once(personas):
    return personas
