"""Shared fixtures: the personas, report factory, and switches for tests that
need PostgreSQL, Redis or a browser.

With KITAAMAN_REQUIRE_SERVICES=1 (CI) a missing service fails the test;
without it (a newcomer's laptop) such tests skip with the reason.
"""

import os
import shutil
import socket

import pytest
from django.conf import settings

from tests import factories
from tests.figures import FIGURES

REQUIRE_SERVICES = os.environ.get("KITAAMAN_REQUIRE_SERVICES", "") in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_service(reason):
    """Fail under KITAAMAN_REQUIRE_SERVICES, skip otherwise."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (KITAAMAN_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def reference_desa_file():
    """The reference desa boundaries in ../shared/data/wilayah (read by path, never copied)."""
    path = settings.WILAYAH_DATA_DIR / "muratara_desa.geojson"
    if not path.is_file():
        missing_service(f"reference boundaries not found at {path} (set WILAYAH_DATA_DIR)")
    return path


def is_postgres():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def require_postgres():
    if not is_postgres():
        if REQUIRE_SERVICES and os.environ.get("KITAAMAN_EXPECT_POSTGRES") == "1":
            pytest.fail("DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def redis_url():
    return (
        os.environ.get("CELERY_BROKER_URL") or os.environ.get("KITAAMAN_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    )


def redis_available(url=None):
    from urllib.parse import urlparse

    parsed = urlparse(url or redis_url())
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def require_redis():
    if not redis_available():
        missing_service(f"needs Redis at {redis_url()}")
    return redis_url()


@pytest.fixture(scope="session", autouse=True)
def _plain_http_session():
    # The live server builds its middleware once per session, before any
    # per-test settings apply: without this it redirects to https.
    # Static files come from the sources, as on a developer's machine: the
    # hashed, compressed production set needs `collectstatic` (tests that
    # check it build their own, see tests/browser/test_lapor_weight.py).
    from django.test.utils import override_settings

    plain_static = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_STORAGE}}
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES=plain_static,
        STATIC_MANIFEST=False,
        WHITENOISE_USE_FINDERS=True,
    ):
        yield


@pytest.fixture(autouse=True)
def _portal_settings(request, settings, tmp_path):
    # Tests speak over plain HTTP (test client, live server).
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "kitaaman.sms.LocmemSmsBackend"
    settings.AXES_ENABLED = True
    # The personas hash eight passwords per test; the real hasher costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    from kitaaman.ratelimit import local_windows

    cache.clear()
    # The limiter's counts kept in this process (no Redis, or Redis down).
    local_windows.clear()
    # Tasks run in-process unless the test drives a real worker (marker `redis`).
    from kitaaman.celery import app

    eager = request.node.get_closest_marker("redis") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    yield
    app.conf.task_always_eager = previous
    # A page requested in English leaves the language active in this thread
    # (the locale middleware sets it per request): the next test starts in the
    # portal's own language, whatever order the tests run in.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test ends with a flush that empties every table,
    including the territory, categories, roles and SPM services that the data
    migrations loaded. Put them back (idempotent) before each such test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from incidents.models import Kecamatan
    from incidents.reference.seed import seed_reference
    from kitaaman.demo_region import create_demo_profile
    from kitaaman.models import RegionProfile
    from spm.seed import seed_spm

    if not RegionProfile.objects.exists():
        create_demo_profile(apps)
    if not Kecamatan.objects.exists():
        seed_reference(apps)
        seed_spm(apps)


@pytest.fixture
def personas(db):
    return factories.make_personas()


@pytest.fixture
def make_incident(db):
    return factories.make_incident


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_service("needs playwright (pip install -r requirements-dev.txt)")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing_service("needs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        yield b
        b.close()


@pytest.fixture
def screenshot_dir():
    path = settings.BASE_DIR / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_terminal_summary(terminalreporter):
    # Counts measured by the fuzzing, property and fault tests (tests/figures.py).
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
