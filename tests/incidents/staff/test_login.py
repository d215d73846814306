"""Signing in to the desk: the page, lockout after repeated failures, idle
expiry and signing out."""

import os
import time

import pytest
from django.test import Client

from incidents.models import AuditLog
from tests.factories import PASSWORD

LOGIN = "/masuk/"
# Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


@pytest.mark.django_db
def test_login_page_in_indonesian():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Masuk petugas" in text and "Kata sandi" in text


@pytest.mark.django_db
def test_login_then_desk(personas):
    client = Client()
    response = attempt(client, "petugas_rupit", PASSWORD)
    assert response.status_code == 302
    assert client.get("/petugas/").status_code == 200
    log = AuditLog.objects.get(action="auth.login")
    assert log.actor == personas.officer_rupit and log.ip_address == "10.0.0.7" and log.data["via"] == "web"


@pytest.mark.django_db
def test_wrong_password_is_refused_and_audited(personas):
    client = Client()
    response = attempt(client, "petugas_rupit", "bukan-sandinya")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    log = AuditLog.objects.get(action="auth.login_failed")
    assert log.data["username"] == "petugas_rupit" and log.ip_address == "10.0.0.7"
    assert "bukan-sandinya" not in str(log.data)


@pytest.mark.django_db
def test_lockout_after_five_failures_shows_the_locked_page(personas):
    client = Client()
    answers = [attempt(client, "petugas_rupit", f"salah-{i}").status_code for i in range(5)]
    assert answers[:4] == [200, 200, 200, 200]
    locked = attempt(client, "petugas_rupit", PASSWORD)  # even the right password now
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Akun dikunci sementara" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="auth.login_failed").count() >= 5
    assert AuditLog.objects.filter(action="auth.locked_out").exists()
    # another account from the same address is not locked (lockout is per username+address)
    assert attempt(Client(), "koordinator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_idle_staff_session_expires(personas, settings):
    client = Client()
    client.force_login(personas.officer_rupit)
    assert client.get("/petugas/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/petugas/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    page = client.get(response["Location"])
    assert "tidak ada aktivitas" in page.content.decode()
    assert AuditLog.objects.filter(action="auth.logout", actor=personas.officer_rupit).exists()


@pytest.mark.django_db
def test_active_session_stays(personas, settings):
    client = Client()
    client.force_login(personas.officer_rupit)
    session = client.session
    session["last_seen"] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT + 60
    session.save()
    assert client.get("/petugas/").status_code == 200


@pytest.mark.django_db
def test_logout_ends_the_session(personas):
    client = Client()
    client.force_login(personas.koordinator)
    response = client.post("/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/petugas/").status_code == 302
    assert AuditLog.objects.filter(action="auth.logout", actor=personas.koordinator).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_sign_in_lockout_and_sign_out(browser, live_server, screenshot_dir):
    from django.apps import apps

    from incidents.reference.seed import seed_reference
    from tests.factories import make_personas

    seed_reference(apps)  # transactional tests flush what the data migration seeded
    make_personas()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/petugas/")
    assert "/masuk/" in page.url
    page.fill("#id_username", "petugas_rupit")
    page.fill("#id_password", PASSWORD)
    page.screenshot(path=str(screenshot_dir / "login-form.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/petugas")
    assert AuditLog.objects.filter(action="auth.login").count() == 1

    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID").new_page()
    for i in range(6):
        other.goto(f"{live_server.url}/masuk/")
        if "Akun dikunci sementara" in other.content():
            break
        other.fill("#id_username", "koordinator")
        other.fill("#id_password", f"salah-{i}")
        other.click("button[type=submit]")
        other.wait_for_load_state()
    assert "Akun dikunci sementara" in other.content()
    other.screenshot(path=str(screenshot_dir / "login-locked.png"), full_page=True)
    other.context.close()
    context.close()
