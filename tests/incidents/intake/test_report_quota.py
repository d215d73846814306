"""One limiter for anonymous reports on the form and the API.

It counts only reports that were accepted, lets a crowd behind one address
(carrier-grade NAT during a flood) report, gives each phone its own limit
through a signed device token, and holds the tracking page to the same
per-address limit as the tracking API."""

import uuid

import pytest
from django.core import signing
from django.urls import reverse

from incidents.intake.quota import DEVICE_COOKIE, DEVICE_HEADER, device_token_issue
from incidents.models import Incident
from tests.factories import DESA_RUPIT
from tests.incidents.intake.test_report_form import valid_data

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"
NAT = "36.66.10.1"  # one public address shared by a village's phones


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}

    return set_rates


def api_report(client, token=None, address=NAT, **overrides):
    body = {"category": "bencana-banjir", "description": "Air naik.", "desa": DESA_RUPIT, "consent": True}
    body.update(overrides)
    headers = {"HTTP_" + DEVICE_HEADER.upper().replace("-", "_"): token} if token else {}
    return client.post(API, body, content_type="application/json", REMOTE_ADDR=address, **headers)


def test_refused_submissions_do_not_count(client, rates):
    rates(report_submit="2/hour")
    for _ in range(6):
        assert api_report(client, description="").status_code == 400
    assert api_report(client).status_code == 201
    assert api_report(client).status_code == 201
    refused = api_report(client)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Incident.objects.count() == 2


def test_a_resent_report_does_not_count(client, rates):
    rates(report_submit="2/hour")
    same = str(uuid.uuid4())
    assert api_report(client, client_uuid=same).status_code == 201
    for _ in range(3):
        assert api_report(client, client_uuid=same).status_code == 200
    assert api_report(client).status_code == 201


def test_a_crowd_behind_one_address_can_report(client, rates):
    rates(report_submit="2/hour", report_address="100/hour")
    phones = [device_token_issue() for _ in range(30)]
    assert [api_report(client, token).status_code for token in phones] == [201] * 30
    # Each phone keeps its own limit ...
    assert api_report(client, phones[0]).status_code == 201
    assert api_report(client, phones[0]).status_code == 429
    assert api_report(client, phones[1]).status_code == 201
    # ... and a phone without a token shares the address's small allowance.
    assert api_report(client).status_code == 201
    assert api_report(client).status_code == 201
    assert api_report(client).status_code == 429
    assert Incident.objects.count() == 34


def test_the_crowd_allowance_still_caps_one_address(client, rates):
    rates(report_submit="2/hour", report_address="5/hour")
    answers = [api_report(client, device_token_issue()).status_code for _ in range(7)]
    assert answers == [201] * 5 + [429] * 2
    # Another address is not affected.
    assert api_report(client, device_token_issue(), address="36.66.10.2").status_code == 201


def test_a_forged_or_foreign_token_counts_as_none(client, rates):
    rates(report_submit="1/hour")
    forged = signing.dumps({"d": "x" * 32}, key="bukan-kunci-portal", salt="kitaaman.device")
    assert api_report(client, forged).status_code == 201
    assert api_report(client, "sembarang").status_code == 429  # the same tokenless allowance


def test_the_form_and_the_api_share_one_limiter(rates):
    from django.test import Client

    rates(report_submit="2/hour")
    # Fresh clients: no device cookie, so both doors count in the address's allowance.
    assert Client().post("/lapor/", valid_data(), REMOTE_ADDR=NAT).status_code == 302
    assert api_report(Client()).status_code == 201
    assert Client().post("/lapor/", valid_data(), REMOTE_ADDR=NAT).status_code == 429
    assert api_report(Client()).status_code == 429


def test_the_form_pages_cookie_counts_for_its_scripts_api_calls(client, rates):
    rates(report_submit="1/hour", report_address="50/hour")
    assert api_report(client).status_code == 201
    assert api_report(client).status_code == 429  # no token yet: the address's small allowance
    client.get("/lapor/", REMOTE_ADDR=NAT)  # the page gives this browser its device cookie
    assert api_report(client).status_code == 201
    assert api_report(client).status_code == 429  # and the device keeps its own limit


def test_the_form_gives_each_phone_a_device_cookie(client, rates):
    rates(report_submit="1/hour", report_address="50/hour")
    phones = []
    for _ in range(3):
        from django.test import Client

        phone = Client()
        page = phone.get("/lapor/", REMOTE_ADDR=NAT)
        assert DEVICE_COOKIE in page.cookies and page.cookies[DEVICE_COOKIE]["httponly"]
        phones.append(phone)
    assert [p.post("/lapor/", valid_data(), REMOTE_ADDR=NAT).status_code for p in phones] == [302, 302, 302]
    assert phones[0].post("/lapor/", valid_data(), REMOTE_ADDR=NAT).status_code == 429


def test_the_api_issues_device_tokens(client):
    response = client.post(f"{API}device-token/")
    assert response.status_code == 201
    token = response.json()["device_token"]
    assert api_report(client, token).status_code == 201


def test_device_tokens_are_limited_per_address(client, rates):
    rates(device_token="3/hour")
    answers = [client.post(f"{API}device-token/", REMOTE_ADDR=NAT) for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert int(answers[3]["Retry-After"]) > 0
    assert answers[3].json()["error"]["code"] == "throttled"
    # Another address is not held back.
    assert client.post(f"{API}device-token/", REMOTE_ADDR="36.66.10.2").status_code == 201


def test_the_form_page_counts_in_the_same_token_limit(client, rates):
    from django.test import Client

    rates(device_token="2/hour")
    assert client.post(f"{API}device-token/", REMOTE_ADDR=NAT).status_code == 201
    assert DEVICE_COOKIE in Client().get("/lapor/", REMOTE_ADDR=NAT).cookies
    # The allowance is used up: the page still opens, without a new token (the phone counts per address).
    page = Client().get("/lapor/", REMOTE_ADDR=NAT)
    assert page.status_code == 200
    assert DEVICE_COOKIE not in page.cookies
    assert client.post(f"{API}device-token/", REMOTE_ADDR=NAT).status_code == 429


def test_concurrent_reports_never_pass_the_limit(require_postgres, rates, transactional_db):
    # Concurrent writers need PostgreSQL: SQLite serialises them.
    import threading

    from django.db import connection
    from django.test import Client

    rates(report_submit="5/hour", report_address="50/hour")
    barrier = threading.Barrier(8)
    answers = []

    def send():
        barrier.wait()
        answers.append(api_report(Client()).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [201] * 5 + [429] * 3
    assert Incident.objects.count() == 5


def test_ipv6_addresses_of_one_network_share_an_allowance(client, rates):
    rates(report_submit="2/hour")
    assert api_report(client, address="2001:db8:1:2::1").status_code == 201
    assert api_report(client, address="2001:db8:1:2::ffff").status_code == 201
    assert api_report(client, address="2001:db8:1:2:abcd::9").status_code == 429
    assert api_report(client, address="2001:db8:1:3::1").status_code == 201


# --- tracking ----------------------------------------------------------------------------------------


def test_the_tracking_page_is_rate_limited_with_the_api(client, rates, make_incident):
    rates(track="3/minute")
    code = make_incident().tracking_code
    page = reverse("track_code", args=[code])
    assert client.get(page, REMOTE_ADDR=NAT).status_code == 200
    assert client.get(page, REMOTE_ADDR=NAT).status_code == 200
    assert client.get(f"{API}track/{code}/", REMOTE_ADDR=NAT).status_code == 200
    limited = client.get(page, REMOTE_ADDR=NAT)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Terlalu banyak" in limited.content.decode()
    assert client.get(f"{API}track/{code}/", REMOTE_ADDR=NAT).status_code == 429
    assert client.get(page, REMOTE_ADDR="36.66.10.9").status_code == 200


def test_guessing_codes_on_the_tracking_page_is_limited(client, rates):
    rates(track="5/minute")
    answers = [client.get(f"/lacak/KA-AAAA-AAAA{c}/", REMOTE_ADDR=NAT).status_code for c in "BCDEFGH"]
    assert answers[:5] == [404] * 5 and answers[5:] == [429, 429]
