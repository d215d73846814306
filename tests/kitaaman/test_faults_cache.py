"""The cache (Redis behind CACHE_URL) fails: every report is still saved and answered.

Three kinds of failure: a real redis-server started for the test and then
stopped (connections refused), and a fake server on 127.0.0.1 that accepts
connections and never answers (the worst: without timeouts each call would
wait for ever). In each, reports through the form and the API are stored
and answered, the public pages, the desk, the token endpoint and Open311
answer without a 5xx, the rate limiter still holds (in the process), and
/readyz names the cache. The README promises it (Production processes).
"""

import shutil
import socket
import subprocess
import threading
import time
import uuid
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from incidents.models import Incident
from kitaaman import views
from kitaaman.cache_backend import forget_failures
from tests.conftest import missing_service, redis_available
from tests.factories import DESA_RUPIT, PASSWORD
from tests.figures import record
from tests.incidents.intake.test_report_form import valid_data

pytestmark = pytest.mark.django_db

OWN_REDIS_PORT = 6403
# Every request with a cache that never answers, first one included.
HANGING_BUDGET = 1.5


class OwnRedis:
    """A redis-server of this test's own (never the shared one)."""

    url = f"redis://127.0.0.1:{OWN_REDIS_PORT}/0"

    def __init__(self, binary, directory):
        self.binary, self.directory, self.proc = binary, directory, None

    def start(self):
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(OWN_REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_available(self.url):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail(f"redis-server did not start on port {OWN_REDIS_PORT}")
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class HangingServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    if not binary:
        missing_service("needs redis-server (apt-get install redis-server)")
    server = OwnRedis(binary, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hanging():
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def cache_at(settings):
    """Point the portal's cache at a URL, as CACHE_URL would."""

    def point(url):
        settings.CACHE_URL = url
        settings.CACHES = {"default": {"BACKEND": "kitaaman.cache_backend.FailSoftRedisCache", "LOCATION": url}}
        forget_failures()
        views.probes_forget()

    yield point
    forget_failures()
    views.probes_forget()


def api_report(client, n, **extra):
    body = {
        "category": "bencana-banjir",
        "description": f"Air naik di dusun {n}.",
        "desa": DESA_RUPIT,
        "consent": True,
        "client_uuid": str(uuid.uuid4()),
    }
    return client.post("/api/v1/reports/", body, content_type="application/json", **extra), body["client_uuid"]


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def reports_and_pages_survive(client, personas, budget=None):
    """Reports through both doors stored and answered; every page answers. Returns the slowest request."""
    slowest = 0.0
    keys = []
    for n in range(5):
        (response, key), took = timed(lambda n=n: api_report(client, n))
        assert response.status_code == 201, response.content
        keys.append(key)
        slowest = max(slowest, took)
    for n in range(3):
        data = valid_data(description=f"Air Sungai Rupit meluap, laporan lewat formulir nomor {n}.")
        response, took = timed(lambda data=data: client.post("/lapor/", data))
        assert response.status_code == 302, response.content[:500]
        keys.append(data["client_uuid"])
        slowest = max(slowest, took)
    # Nothing lost: every answered report is a row.
    assert set(Incident.objects.filter(client_uuid__in=keys).values_list("client_uuid", flat=True).distinct()) == {
        uuid.UUID(k) for k in keys
    }
    code = Incident.objects.filter(client_uuid=keys[0]).get().tracking_code
    public = [
        "/",
        "/lapor/",
        "/lacak/",
        f"/lacak/{code}/",
        "/api/v1/reports/public.geojson",
        f"/api/v1/reports/track/{code}/",
        "/api/v1/categories/",
        "/open311/v2/services.json",
        "/open311/v2/requests.json",
        "/readyz",
    ]
    for url in public:
        response, took = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        slowest = max(slowest, took)
    response, took = timed(
        lambda: client.post(
            "/api/v1/auth/token/", {"username": "petugas_rupit", "password": PASSWORD}, content_type="application/json"
        )
    )
    assert response.status_code == 200, response.content
    slowest = max(slowest, took)
    response, took = timed(lambda: client.post("/api/v1/reports/device-token/"))
    assert response.status_code == 201
    slowest = max(slowest, took)
    # Staff sign in (sessions live in the database, the lockout records too).
    response, took = timed(lambda: client.post("/masuk/", {"username": "petugas_rupit", "password": PASSWORD}))
    assert response.status_code == 302 and "/masuk/" not in response["Location"], response.content[:300]
    slowest = max(slowest, took)
    for url in ["/petugas/", "/petugas/peta/", "/petugas/peta/laporan.geojson", "/"]:
        response, took = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        slowest = max(slowest, took)
    client.logout()
    if budget is not None:
        assert slowest < budget, f"slowest request took {slowest:.2f}s"
    return slowest


def test_reports_are_saved_and_answered_after_redis_stops(client, personas, own_redis, cache_at):
    cache_at(own_redis.url)
    # Warm: Redis answers, the cache fills, readiness names it.
    assert client.get("/").status_code == 200
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"
    own_redis.stop()
    views.probes_forget()
    slowest = reports_and_pages_survive(client, personas)
    record(f"cache stopped: slowest request {slowest * 1000:.0f} ms")


def test_reports_are_saved_quickly_while_redis_never_answers(client, personas, hanging, cache_at):
    cache_at(hanging.url)
    slowest = reports_and_pages_survive(client, personas, budget=HANGING_BUDGET)
    record(f"cache hanging: slowest request {slowest * 1000:.0f} ms")


def test_every_request_is_quick_while_redis_never_answers_even_without_resting(
    client, personas, hanging, cache_at, settings
):
    # Ask Redis on every call (no rest after a failure): the timeouts alone bound each call.
    cache_at(hanging.url)
    settings.CACHE_RETRY_SECONDS = 0
    started = time.monotonic()
    response, _key = api_report(client, 1)
    assert response.status_code == 201
    assert time.monotonic() - started < 2 * HANGING_BUDGET


def test_ready_names_the_cache(client, own_redis, cache_at):
    cache_at(own_redis.url)
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["checks"]["cache"] == "ok"
    own_redis.stop()
    views.probes_forget()
    answer = client.get("/readyz")
    # Reports are still taken: the process stays in rotation, and says what is missing.
    assert answer.status_code == 200
    assert answer.json()["status"] == "degraded"
    assert answer.json()["checks"] == {"database": "ok", "broker": "eager", "cache": "down"}
    assert answer.json()["degraded"] == ["cache"]


def test_a_ready_probe_that_finds_redis_back_ends_the_rest(client, own_redis, cache_at):
    from django.core.cache import cache

    cache_at(own_redis.url)
    own_redis.stop()
    cache.set("kitaaman:test", 1)  # fails: the process rests from Redis
    own_redis.start()
    cache.set("kitaaman:test", 2)
    assert cache.get("kitaaman:test") is None  # still resting
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"
    cache.set("kitaaman:test", 3)
    assert cache.get("kitaaman:test") == 3


def test_ready_names_a_hanging_cache_within_the_timeout(client, hanging, cache_at):
    cache_at(hanging.url)
    answer, took = timed(lambda: client.get("/readyz"))
    assert answer.json()["checks"]["cache"] == "down"
    assert took < HANGING_BUDGET


def test_database_down_with_the_cache_down_is_a_503_with_retry_after(client, hanging, cache_at):
    cache_at(hanging.url)
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("down")):
        response, _key = api_report(client, 1)
        page = client.post("/lapor/", valid_data())
        ready = client.get("/readyz")
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["error"]["code"] == "unavailable"
    assert page.status_code == 503 and page["Retry-After"]
    assert ready.status_code == 503 and ready.json()["down"] == ["database"]
    assert ready.json()["checks"]["cache"] == "down"


def test_the_limit_still_holds_in_the_process_while_redis_is_down(client, settings, own_redis, cache_at):
    cache_at(own_redis.url)
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "report_submit": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    own_redis.stop()
    answers = [api_report(client, n)[0] for n in range(5)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429, 429]
    assert int(answers[3]["Retry-After"]) > 0
    assert Incident.objects.count() == 3


def test_the_cache_works_again_when_redis_returns(client, own_redis, cache_at, settings):
    from django.core.cache import cache

    cache_at(own_redis.url)
    settings.CACHE_RETRY_SECONDS = 0
    own_redis.stop()
    cache.set("kitaaman:test", 1)
    assert cache.get("kitaaman:test") is None
    own_redis.start()
    cache.set("kitaaman:test", 2)
    assert cache.get("kitaaman:test") == 2


def test_cache_calls_answer_like_an_empty_cache(hanging, cache_at):
    from django.core.cache import cache

    cache_at(hanging.url)
    started = time.monotonic()
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.get_many(["k", "j"]) == {}
    assert cache.set_many({"k": 1, "j": 2}) == ["k", "j"]
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.get_or_set("k", 5) == 5
    # One timeout, then the process leaves Redis alone for a while.
    assert time.monotonic() - started < HANGING_BUDGET
