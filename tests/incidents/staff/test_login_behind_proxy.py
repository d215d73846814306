"""Lockout behind the reverse proxy: django-axes must count the address the
proxy saw, so a stranger guessing passwords never locks the officer out."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
STRANGER = "203.0.113.9"
OFFICER = "198.51.100.7"


def login(username, password, address):
    return Client().post(
        "/masuk/", {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
    )


def token(username, password, address):
    return Client().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_a_stranger_cannot_lock_the_officer_out_of_the_login_page(personas, behind_proxy):
    for i in range(6):
        login("petugas_nibung", f"tebakan-{i}", STRANGER)
    assert login("petugas_nibung", PASSWORD, STRANGER).status_code == 429  # the stranger is locked
    assert login("petugas_nibung", PASSWORD, OFFICER).status_code == 302  # the officer is not


def test_a_stranger_cannot_lock_the_officer_out_of_the_token_api(personas, behind_proxy):
    for i in range(6):
        token("petugas_nibung", f"tebakan-{i}", STRANGER)
    assert token("petugas_nibung", PASSWORD, STRANGER).status_code == 429
    assert token("petugas_nibung", PASSWORD, OFFICER).status_code == 200


def test_a_forged_forwarded_header_does_not_escape_the_lock(personas, behind_proxy):
    # The proxy appends the address it saw; whatever the client put before it is ignored.
    for i in range(6):
        login("petugas_nibung", f"tebakan-{i}", f"1.2.3.{i}, {STRANGER}")
    assert login("petugas_nibung", PASSWORD, f"9.9.9.9, {STRANGER}").status_code == 429


def test_the_lock_records_the_real_address(personas, behind_proxy):
    from axes.models import AccessAttempt

    for i in range(5):
        login("petugas_nibung", f"tebakan-{i}", STRANGER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}
