"""Settings: production mode passes `check --deploy`, security headers, language,
time zone, and a Celery app that really reads the Django settings."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

BASE = settings.BASE_DIR
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)[:50], "ALLOWED_HOSTS": "kitaaman.example"}


def run(args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "CELERY_", "SECURE_", "KITAAMAN_HTTPS", "DJANGO_ALLOW_ASYNC"))
    }
    full_env.update(env)
    full_env["DJANGO_SETTINGS_MODULE"] = "kitaaman.settings"
    return subprocess.run([sys.executable, *args], cwd=BASE, env=full_env, capture_output=True, text=True, timeout=120)


def settings_in(env, code):
    """Evaluate settings in a fresh process with the given environment."""
    script = f"import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({code}))"
    result = run(["-c", script], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_mode_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_a_real_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_turns_on_hsts_secure_cookies_and_https():
    values = settings_in(
        PRODUCTION,
        "[s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS]",
    )
    assert values == [False, 31536000, True, True, True, True, ["kitaaman.example"]]


def test_development_mode_stays_on_plain_http():
    values = settings_in({"DEBUG": "1"}, "[s.DEBUG, getattr(s, 'SECURE_HSTS_SECONDS', 0), s.SESSION_COOKIE_SECURE]")
    assert values == [True, 0, False]


@pytest.mark.django_db
def test_hsts_header_on_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/masuk/", "/api/v1/categories/", "/api/docs/", "/healthz"])
def test_security_headers_on_pages_and_api(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    # The nonce is added only to pages that use one; inline scripts are never allowed wholesale.
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert re.fullmatch(r"script-src 'self'( 'nonce-[\w+/=-]+')?", script_src), script_src
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/categories/", "/masuk/"])
def test_host_not_in_allowed_hosts_is_400(client, url):
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
def test_default_language_is_bahasa_indonesia(client):
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    response = client.get("/api/v1/reports/track/KA-2222-22222/")
    assert response["Content-Language"] == "id"
    assert response.json()["error"]["message"] == "Data tidak ditemukan."
    english = client.get("/api/v1/reports/track/KA-2222-22222/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"


def test_time_zone_is_wib():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True


def test_what_check_deploy_does_not_notice():
    # Password validators, login lockout, session lifetime and upload caps.
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 3
    assert "axes" in settings.INSTALLED_APPS and settings.AXES_FAILURE_LIMIT <= 10
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.MAX_PHOTO_BYTES == 10 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert "django.middleware.common.CommonMiddleware" in settings.MIDDLEWARE
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["report_submit"]
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] is not None  # X-Forwarded-For cannot dodge the throttle


def test_celery_follows_django_settings():
    code = (
        "(lambda app: [app.conf.task_always_eager, app.conf.broker_transport_options, "
        "app.conf.result_backend_transport_options, app.conf.timezone, app.conf.task_soft_time_limit, "
        "app.conf.task_time_limit])(__import__('kitaaman.celery', fromlist=['app']).app)"
    )
    eager, options, result_options, tz, soft, hard = settings_in({}, code)
    assert eager is True  # no broker configured: tasks run in-process
    assert options["socket_timeout"] > 0 and options["socket_connect_timeout"] > 0
    assert result_options["socket_timeout"] > 0
    assert tz == "Asia/Jakarta"
    assert soft < hard
    broker = settings_in({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/5"}, code)
    assert broker[0] is False
