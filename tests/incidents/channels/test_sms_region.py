"""SMS replies after `setup_pemda` for Kota Lubuk Linggau: the kota's name,
never the demo region's."""

import pytest

from incidents.models import Incident
from tests.region_helpers import KEL_AIR_KUTI, demo_words, setup_lubuk_linggau

pytestmark = pytest.mark.django_db


@pytest.fixture
def kota(db):
    setup_lubuk_linggau()


def test_the_help_text_names_the_kota(sms, kota):
    (reply,) = sms("halo apa kabar")
    assert "KITA AMAN Lubuk Linggau" in reply
    assert demo_words(reply) == []


def test_a_report_by_sms_in_a_kelurahan_of_the_kota(sms, kota):
    (reply,) = sms("LAPOR#banjir#Air Kuti#Air naik setinggi pinggang")
    incident = Incident.objects.get()
    assert incident.desa_id == KEL_AIR_KUTI
    assert incident.tracking_code in reply and demo_words(reply) == []


def test_a_desa_of_the_demo_region_is_not_found_in_the_kota(sms, kota):
    replies = sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang")
    text = "\n".join(replies)
    assert 'Belum dimengerti nama desa "Muara Rupit" di Lubuk Linggau' in text
    assert not Incident.objects.exists()
