"""manage.py deploy_check: each finding on a good and a bad configuration.

Redis findings use the test Redis (db 15 locally, CI's broker database) and,
for a wrong eviction policy, a redis-server of the test's own on port 6415."""

import json
import shutil
import socket
import subprocess
import time

import pytest
import redis
from celery import Celery
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from kitaaman import deploy_check as dc
from kitaaman.beat import HEARTBEAT_PREFIX, HeartbeatScheduler, heartbeat_write, heartbeats_read
from kitaaman.views import FORWARDED_HOPS_HEADER, FORWARDED_PROTO_HEADER
from tests.conftest import missing_service

GOOD_KEY = "k7Qe9-zP2mX_vT4rB8nW1yL6cH3jF0sD5gA9uE2iO7kR4tY1wZ"
EVICTING_PORT = 6415


def levels(findings, topic=None):
    return [f.level for f in findings if topic is None or f.topic == topic]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def beat_redis(require_redis):
    client = redis.Redis.from_url(require_redis)

    def clear():
        for key in client.scan_iter(match=HEARTBEAT_PREFIX + "*"):
            client.delete(key)

    clear()
    yield require_redis
    clear()


@pytest.fixture
def evicting_redis():
    """A redis-server of our own whose policy drops keys when memory is full."""
    binary = shutil.which("redis-server")
    if not binary:
        missing_service("needs redis-server to start a Redis with another maxmemory-policy")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(EVICTING_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory-policy",
            "allkeys-lru",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{EVICTING_PORT}/0"
    try:
        for _ in range(50):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        if process.poll() is not None:
            pytest.fail(f"redis-server could not start on port {EVICTING_PORT} (in use?)")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


# DEBUG and SECRET_KEY


def test_debug_on_is_an_error(settings):
    settings.DEBUG = True
    assert levels(dc.check_debug()) == [dc.ERROR]
    settings.DEBUG = False
    assert levels(dc.check_debug()) == [dc.OK]


@pytest.mark.parametrize(
    "key",
    [
        "django-insecure-kitaaman-development-key-do-not-use-in-production",
        "GANTI-dengan-kunci-acak-panjang",
        "pendek",
        "a" * 60,
    ],
)
def test_default_example_or_weak_secret_key_is_an_error(settings, key):
    settings.SECRET_KEY = key
    assert levels(dc.check_secret_key()) == [dc.ERROR]


def test_random_secret_key_passes(settings):
    settings.SECRET_KEY = GOOD_KEY
    assert levels(dc.check_secret_key()) == [dc.OK]


# SITE_URL


def test_site_url_over_https_in_allowed_hosts_passes(settings):
    settings.SITE_URL = "https://kitaaman.contoh.go.id"
    settings.ALLOWED_HOSTS = ["kitaaman.contoh.go.id"]
    assert levels(dc.check_site_url()) == [dc.OK]


def test_site_url_over_http_is_an_error(settings):
    settings.SITE_URL = "http://kitaaman.contoh.go.id"
    settings.ALLOWED_HOSTS = ["kitaaman.contoh.go.id"]
    findings = dc.check_site_url()
    assert levels(findings) == [dc.ERROR] and "bukan https" in findings[0].message


def test_site_url_host_missing_from_allowed_hosts_is_an_error(settings):
    settings.SITE_URL = "https://kitaaman.contoh.go.id"
    settings.ALLOWED_HOSTS = ["kitaaman.lain.go.id"]
    findings = dc.check_site_url()
    assert levels(findings) == [dc.ERROR] and "ALLOWED_HOSTS" in findings[0].message


# NUM_PROXIES against what reaches the portal


def seen_through(client, **headers):
    """What /livez reports for a request carrying these headers (as the proxy would pass them)."""
    response = client.get("/livez", **headers)
    return dc.ProxySeen(int(response[FORWARDED_HOPS_HEADER]), response[FORWARDED_PROTO_HEADER])


def with_proxies(settings, number):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": number}
    settings.SITE_URL = "https://kitaaman.contoh.go.id"


def test_one_proxy_appending_its_address_matches_num_proxies_1(client, settings):
    with_proxies(settings, 1)
    seen = seen_through(client, HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    assert seen == dc.ProxySeen(1, "https")
    assert levels(dc.check_proxy(seen)) == [dc.OK]


def test_proxy_headers_with_num_proxies_0_is_an_error(client, settings):
    with_proxies(settings, 0)
    findings = dc.check_proxy(seen_through(client, HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https"))
    assert levels(findings) == [dc.ERROR] and "NUM_PROXIES=1" in findings[0].message


def test_num_proxies_1_without_forwarded_for_is_an_error(client, settings):
    with_proxies(settings, 1)
    findings = dc.check_proxy(seen_through(client))
    assert levels(findings) == [dc.ERROR] and "$proxy_add_x_forwarded_for" in findings[0].message


def test_more_proxies_configured_than_present_is_an_error(client, settings):
    with_proxies(settings, 2)
    findings = dc.check_proxy(seen_through(client, HTTP_X_FORWARDED_FOR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https"))
    assert levels(findings) == [dc.ERROR] and "NUM_PROXIES=1" in findings[0].message


def test_forwarded_proto_not_https_is_an_error(client, settings):
    with_proxies(settings, 1)
    findings = dc.check_proxy(seen_through(client, HTTP_X_FORWARDED_FOR="203.0.113.7"))
    assert levels(findings) == [dc.ERROR] and findings[0].topic == "X-Forwarded-Proto"


def test_probe_reads_the_site_over_http(live_server, settings):
    """Straight to the portal, no proxy: nothing forwarded, so NUM_PROXIES=1 is wrong and 0 right."""
    seen = dc.probe_site(live_server.url)
    assert seen == dc.ProxySeen(0, "")
    settings.SITE_URL = live_server.url
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert levels(dc.check_proxy(seen)) == [dc.ERROR]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert levels(dc.check_proxy(seen)) == [dc.OK]


def test_unreachable_site_is_an_error(settings):
    settings.SITE_URL = f"http://127.0.0.1:{closed_port()}"
    seen = dc.probe_site(settings.SITE_URL, timeout=2)
    assert seen.hops is None
    findings = dc.check_proxy(seen)
    assert levels(findings) == [dc.ERROR] and "tidak dapat dibuka" in findings[0].message


# Redis maxmemory-policy


def test_noeviction_broker_and_cache_pass(settings, require_redis):
    if redis.Redis.from_url(require_redis).config_get("maxmemory-policy")["maxmemory-policy"] != "noeviction":
        missing_service(f"the test Redis at {require_redis} is not noeviction")
    settings.CELERY_BROKER_URL = settings.CACHE_URL = require_redis
    assert levels(dc.check_redis()) == [dc.OK, dc.OK]


def test_evicting_broker_is_an_error(settings, evicting_redis):
    settings.CELERY_BROKER_URL = evicting_redis
    settings.CACHE_URL = ""
    findings = dc.check_redis()
    broker = [f for f in findings if f.topic == "CELERY_BROKER_URL"]
    assert levels(broker) == [dc.ERROR] and "allkeys-lru" in broker[0].message
    assert levels(findings, "CACHE_URL") == [dc.WARNING]


def test_evicting_cache_is_an_error(settings, evicting_redis, require_redis):
    settings.CELERY_BROKER_URL = require_redis
    settings.CACHE_URL = evicting_redis
    assert levels(dc.check_redis(), "CACHE_URL") == [dc.ERROR]


def test_missing_or_unreachable_broker_is_an_error(settings):
    settings.CELERY_BROKER_URL = ""
    settings.CACHE_URL = ""
    assert levels(dc.check_redis(), "CELERY_BROKER_URL") == [dc.ERROR]
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    findings = [f for f in dc.check_redis() if f.topic == "CELERY_BROKER_URL"]
    assert levels(findings) == [dc.ERROR] and "tidak menjawab" in findings[0].message


# Static files collected


def write_manifest(root, *, leave_out=()):
    sources = {path for finder in finders.get_finders() for path, _ in finder.list(dc.STATIC_IGNORE)}
    paths = {path: path for path in sources if path not in leave_out}
    root.mkdir(parents=True, exist_ok=True)
    (root / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))


def test_collected_static_files_pass(settings, tmp_path):
    settings.STATIC_MANIFEST = True
    settings.STATIC_ROOT = tmp_path / "static"
    write_manifest(settings.STATIC_ROOT)
    assert levels(dc.check_static()) == [dc.OK]


def test_static_files_never_collected_is_an_error(settings, tmp_path):
    settings.STATIC_MANIFEST = True
    settings.STATIC_ROOT = tmp_path / "static"
    findings = dc.check_static()
    assert levels(findings) == [dc.ERROR] and "collectstatic" in findings[0].message


def test_static_file_added_since_collectstatic_is_an_error(settings, tmp_path):
    settings.STATIC_MANIFEST = True
    settings.STATIC_ROOT = tmp_path / "static"
    write_manifest(settings.STATIC_ROOT, leave_out={"css/kitaaman.css"})
    findings = dc.check_static()
    assert levels(findings) == [dc.ERROR] and "css/kitaaman.css" in findings[0].message


def test_static_manifest_off_is_a_warning(settings):
    settings.STATIC_MANIFEST = False
    assert levels(dc.check_static()) == [dc.WARNING]


# Exactly one beat


def test_no_beat_is_an_error(settings, beat_redis):
    settings.CELERY_BROKER_URL = beat_redis
    findings = dc.check_beat()
    assert levels(findings) == [dc.ERROR] and "tidak berjalan" in findings[0].message


def test_one_beat_passes_and_two_are_an_error(settings, beat_redis):
    settings.CELERY_BROKER_URL = beat_redis
    heartbeat_write(beat_redis, name="server-a:101")
    assert levels(dc.check_beat()) == [dc.OK]
    heartbeat_write(beat_redis, name="server-b:202")
    findings = dc.check_beat()
    assert levels(findings) == [dc.ERROR]
    assert "server-a:101" in findings[0].message and "server-b:202" in findings[0].message


def test_heartbeat_scheduler_writes_its_own_key(beat_redis, tmp_path):
    app = Celery("heartbeat-test", broker=beat_redis, set_as_current=False)
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    scheduler.heartbeat()
    assert len(heartbeats_read(beat_redis)) == 1
    scheduler.heartbeat()  # within HEARTBEAT_SECONDS: nothing new
    assert len(heartbeats_read(beat_redis)) == 1
    scheduler.close()
    assert heartbeats_read(beat_redis) == {}


def test_heartbeat_scheduler_survives_an_unreachable_broker(tmp_path):
    app = Celery("heartbeat-test", broker=f"redis://127.0.0.1:{closed_port()}/0", set_as_current=False)
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    scheduler.heartbeat()  # logged, not raised


def test_a_running_portal_beat_is_seen_once(settings, beat_redis, tmp_path):
    """`celery -A kitaaman beat` as the unit starts it: its heartbeat appears, and goes with it."""
    import os
    import sys
    from pathlib import Path

    settings.CELERY_BROKER_URL = beat_redis
    env = {**os.environ, "CELERY_BROKER_URL": beat_redis, "DJANGO_SETTINGS_MODULE": "kitaaman.settings"}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "kitaaman",
        "beat",
        "-l",
        "warning",
        "--schedule",
        str(tmp_path / "celerybeat-schedule"),
    ]
    beat = subprocess.Popen(
        command, env=env, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not heartbeats_read(beat_redis) and time.monotonic() < deadline and beat.poll() is None:
            time.sleep(0.2)
        assert [f"{socket.gethostname()}:{beat.pid}"] == list(heartbeats_read(beat_redis))
        assert levels(dc.check_beat()) == [dc.OK]
        beat.terminate()
        beat.wait(timeout=20)
        assert heartbeats_read(beat_redis) == {}
    finally:
        if beat.poll() is None:
            beat.kill()
            beat.wait(timeout=20)


# The command


def good_configuration(settings, url, tmp_path):
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.SITE_URL = "https://kitaaman.contoh.go.id"
    settings.ALLOWED_HOSTS = ["kitaaman.contoh.go.id"]
    settings.CELERY_BROKER_URL = settings.CACHE_URL = url
    settings.STATIC_MANIFEST = True
    settings.STATIC_ROOT = tmp_path / "static"
    write_manifest(settings.STATIC_ROOT)
    heartbeat_write(url, name="server-a:101")


def test_command_on_a_good_configuration_says_nothing_is_wrong(settings, beat_redis, tmp_path, capsys):
    if redis.Redis.from_url(beat_redis).config_get("maxmemory-policy")["maxmemory-policy"] != "noeviction":
        missing_service(f"the test Redis at {beat_redis} is not noeviction")
    good_configuration(settings, beat_redis, tmp_path)
    call_command("deploy_check", "--tanpa-situs")
    out = capsys.readouterr().out
    assert "GALAT" not in out and "Tidak ada masalah." in out


def test_command_names_each_problem_and_fails(settings, beat_redis, tmp_path, capsys):
    good_configuration(settings, beat_redis, tmp_path)
    settings.DEBUG = True
    settings.SITE_URL = "http://kitaaman.contoh.go.id"
    with pytest.raises(CommandError, match="2 masalah"):
        call_command("deploy_check", "--tanpa-situs")
    out = capsys.readouterr().out
    assert "GALAT      DEBUG" in out and "GALAT      SITE_URL" in out
