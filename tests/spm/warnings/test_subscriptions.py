"""Residents subscribe by desa with a phone or e-mail address, confirm by a
link, and stop by a link; only the desa, channel and address are kept."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kitaaman.sms import LocmemSmsBackend
from spm.warnings.models import Subscriber
from spm.warnings.subscriptions import subscribers_purge_unconfirmed
from tests.factories import DESA_RUPIT

pytestmark = pytest.mark.django_db
URL = "/peringatan/langganan/"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


def test_the_form_lists_desa_by_kecamatan(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="Kecamatan Rupit">' in html and f'value="{DESA_RUPIT}"' in html
    assert "tanpa nama" in html


def test_subscribe_by_phone_confirm_and_stop(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"desa": DESA_RUPIT, "phone": "0812-3456-7890"})
    assert response.status_code == 200 and "SMS berisi tautan konfirmasi" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.desa_id, subscriber.channel, subscriber.address) == (DESA_RUPIT, "sms", "+6281234567890")
    assert subscriber.confirmed_at is None
    [sms] = LocmemSmsBackend.outbox
    assert sms["to"] == "+6281234567890" and "Muara Rupit" in sms["text"]
    link = re.search(r"http://127\.0\.0\.1:8000(/peringatan/langganan/konfirmasi/[^/ ]+/)", sms["text"]).group(1)

    # Opening the link (or a link scanner doing so) confirms nothing; the button does.
    assert client.get(link).status_code == 200
    assert Subscriber.objects.get().confirmed_at is None
    response = client.post(link)
    assert response.status_code == 200 and "Muara Rupit" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is not None

    # Asking again sends no second message.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"desa": DESA_RUPIT, "phone": "+6281234567890"})
    assert len(LocmemSmsBackend.outbox) == 1 and Subscriber.objects.count() == 1

    stop = f"/peringatan/langganan/berhenti/{subscriber.token}/"
    Subscriber.objects.create(desa_id="16.13.01.2001", channel="sms", address="+6281234567890")
    assert client.get(stop).status_code == 200 and Subscriber.objects.count() == 2
    assert client.post(stop).status_code == 200
    assert not Subscriber.objects.exists()  # every subscription of that number is gone


def test_subscribe_by_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"desa": DESA_RUPIT, "email": "Warga@Example.test"})
    assert response.status_code == 200
    assert Subscriber.objects.get().address == "warga@example.test"
    assert mail.outbox[0].to == ["warga@example.test"]
    assert "konfirmasi" in mail.outbox[0].subject.lower()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"desa": DESA_RUPIT, "phone": "12345"}, "Nomor HP tidak valid"),
        ({"desa": DESA_RUPIT}, "salah satu saja"),
        ({"desa": DESA_RUPIT, "phone": "081234567890", "email": "a@example.test"}, "salah satu saja"),
        ({"desa": "16.13.99.9999", "phone": "081234567890"}, "Pilih desa/kelurahan dari daftar"),
        ({"desa": DESA_RUPIT, "email": "bukan-email"}, "e-mail"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(client, data, message):
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscriber.objects.exists() and not LocmemSmsBackend.outbox


def test_a_bot_filling_the_hidden_field_stores_nothing(client):
    response = client.post(URL, {"desa": DESA_RUPIT, "phone": "081234567890", "website": "http://spam"})
    assert response.status_code == 200 and not Subscriber.objects.exists()


def test_the_form_is_rate_limited_per_address(client, settings):
    settings.THROTTLE_SUBSCRIBE = "3/hour"
    for i in range(3):
        assert client.post(URL, {"desa": DESA_RUPIT, "phone": f"08123456780{i}"}).status_code == 200
    response = client.post(URL, {"desa": DESA_RUPIT, "phone": "081234567809"})
    assert response.status_code == 429 and "Terlalu banyak" in response.content.decode()
    assert Subscriber.objects.count() == 3


def test_unknown_tokens(client):
    assert client.post("/peringatan/langganan/konfirmasi/tidak-ada/").status_code == 404
    assert client.post("/peringatan/langganan/berhenti/tidak-ada/").status_code == 200


def test_unconfirmed_subscriptions_are_purged_after_a_week():
    old = Subscriber.objects.create(desa_id=DESA_RUPIT, channel="sms", address="+6281200000001")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    Subscriber.objects.create(desa_id=DESA_RUPIT, channel="sms", address="+6281200000002")
    confirmed = Subscriber.objects.create(
        desa_id=DESA_RUPIT, channel="sms", address="+6281200000003", confirmed_at=timezone.now()
    )
    Subscriber.objects.filter(pk=confirmed.pk).update(created_at=timezone.now() - timedelta(days=300))
    assert subscribers_purge_unconfirmed() == 1
    assert set(Subscriber.objects.values_list("address", flat=True)) == {"+6281200000002", "+6281200000003"}
