"""Warnings of a desa by SMS: DAFTAR <desa> confirmed with YA, BERHENTI;
the same subscribers as the web subscription."""

import pytest

from incidents.models import Desa
from kitaaman.gsm import is_gsm7, segments
from spm.warnings.models import Subscriber
from spm.warnings.subscriptions import subscriber_create
from tests.incidents.channels.helpers import SENDER

pytestmark = pytest.mark.django_db

MUARA_RUPIT = "16.13.01.1007"


def test_daftar_and_ya_make_the_number_a_confirmed_subscriber_of_the_desa(sms):
    (ask,) = sms("daftar muara rupit")
    assert "Muara Rupit" in ask and "YA atau TIDAK" in ask and segments(ask) == 1
    assert not Subscriber.objects.exists()
    (done,) = sms("ya pak")
    assert "terdaftar" in done and "BERHENTI" in done and is_gsm7(done)
    subscriber = Subscriber.objects.get()
    assert (subscriber.desa_id, subscriber.address, subscriber.channel) == (MUARA_RUPIT, SENDER, "sms")
    assert subscriber.confirmed_at is not None
    # The web form for the same desa and number finds the same subscriber.
    same, created = subscriber_create(desa_code=MUARA_RUPIT, phone="0" + SENDER[3:])
    assert not created and same.pk == subscriber.pk


def test_tidak_subscribes_nobody(sms):
    sms("DAFTAR Muara Rupit")
    (reply,) = sms("tidak")
    assert "Tidak didaftarkan" in reply and not Subscriber.objects.exists()


def test_an_unknown_desa_says_how(sms):
    (reply,) = sms("DAFTAR Kota Atlantis")
    assert "Belum dimengerti nama desa" in reply and "DAFTAR Muara Rupit" in reply
    (reply,) = sms("DAFTAR")
    assert "DAFTAR nama-desa" in reply
    assert not Subscriber.objects.exists()


def test_berhenti_ends_the_web_and_sms_subscriptions_of_the_number_only(sms):
    noman = Desa.objects.get(name="Noman")
    web, _created = subscriber_create(desa_code=noman.code, phone="0" + SENDER[3:])
    other, _created = subscriber_create(desa_code=noman.code, phone="085200001111")
    sms("DAFTAR Muara Rupit")
    sms("YA")
    assert Subscriber.objects.filter(address=SENDER).count() == 2
    (reply,) = sms("BERHENTI")
    assert "tidak akan menerima kabar" in reply and "Peringatan bencana" in reply
    assert not Subscriber.objects.filter(address=SENDER).exists()
    assert Subscriber.objects.filter(pk=other.pk).exists()


def test_daftar_inside_a_report_is_part_of_the_story(sms):
    sms("LAPOR")
    sms("3")
    sms("Noman")
    (summary,) = sms("daftar warga yang rumahnya terendam ada dua puluh keluarga")
    assert "Banjir, Noman" in summary and not Subscriber.objects.exists()
