"""Optional questions and the time by SMS, after the report, when the
villager asks for them (TAMBAH): one short question each, LEWAT skips,
SELESAI stops; each answer stored on the report as the web form stores it.
Replayed through the signed webhook against the fake gateway on 127.0.0.1."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from incidents.channels.extras import optional_questions
from incidents.channels.when import parse_when
from incidents.models import Category, EventKind, Incident
from incidents.report_content import validate_details
from kitaaman.gsm import is_gsm7, segments
from tests.incidents.channels.scenarios import SCENARIOS, play

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
GUIDED = SCENARIOS["clean guided report"]


def test_the_clean_report_still_costs_six_parts_and_offers_more_for_free(sms):
    cost = play(sms, GUIDED)
    assert cost.segments <= 6
    assert "Balas TAMBAH" in cost.replies[-1] and segments(cost.replies[-1]) == 1


def test_the_one_message_confirmation_stays_one_part(sms):
    (reply,) = sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    assert segments(reply) == 1 and "TAMBAH" not in reply


def test_tambah_asks_the_time_then_the_optional_questions_and_stores_them_as_the_web_form(sms):
    play(sms, GUIDED)
    (when,) = sms("TAMBAH")
    assert "Kapan kejadiannya?" in when and "LEWAT" in when and segments(when) == 1
    (first,) = sms("kemarin sore")
    assert first == "Korban meninggal? Balas angka, atau LEWAT."
    (second,) = sms("tidak ada")
    assert second.startswith("Korban hilang?")
    (third,) = sms("LEWAT")
    assert third.startswith("Korban luka-luka?")
    sms("dua")
    (done,) = sms("selesai")
    incident = Incident.objects.get()
    assert done == f"Terima kasih, keterangan dicatat pada laporan {incident.tracking_code}."
    yesterday = timezone.localtime() - timedelta(days=1)
    assert timezone.localtime(incident.occurred_at).replace(tzinfo=None) == yesterday.replace(
        hour=16, minute=0, second=0, microsecond=0, tzinfo=None
    )
    # Exactly what the web form's validation keeps for the same answers.
    assert incident.details == {"meninggal": 0, "luka": 2}
    assert incident.details == validate_details(incident.category, {"meninggal": "0", "luka": "2"})
    edits = incident.events.filter(kind=EventKind.EDIT, data__reporter_details=True)
    assert edits.count() == 3 and all(e.actor_label == "Pelapor (SMS)" for e in edits)


def test_more_is_shown_on_the_desk(sms, personas):
    play(sms, GUIDED)
    for text in ("TAMBAH", "tadi pagi", "3", "selesai"):
        sms(text)
    incident = Incident.objects.get()
    client = Client()
    client.force_login(personas.koordinator)
    page = client.get(f"/petugas/laporan/{incident.pk}/").content.decode()
    assert "Korban meninggal" in page and "Pelapor menambah keterangan: Korban meninggal: 3" in page
    with translation.override("id"):
        shown = date_format(timezone.localtime(incident.occurred_at), "d M Y H.i")
    assert f"{shown} WIB" in page


def test_choice_and_yes_no_questions(sms):
    sms("lapor#kebakaran permukiman#Noman#Rumah warga terbakar tadi malam")
    sms("1")
    (done,) = sms("ya")
    assert "TAMBAH" in done
    (when,) = sms("tambah")
    (choice,) = sms("lewat")
    assert choice.startswith("Jenis bangunan? Balas angkanya, atau LEWAT:") and "1. Rumah tinggal" in choice
    sms("1")
    for text in ("lewat", "lewat", "lewat"):
        sms(text)
    (done,) = sms("ya pak")
    incident = Incident.objects.get()
    assert "keterangan dicatat" in done
    assert incident.details == {"jumlah_bangunan": 1, "jenis_bangunan": "rumah", "api_masih_menyala": True}
    assert incident.occurred_at is None


def test_what_is_not_an_answer_is_named_or_kept_as_story(sms):
    play(sms, GUIDED)
    sms("TAMBAH")
    (reply,) = sms("xyzq")
    assert 'Belum dimengerti waktu "xyzq"' in reply and "Kapan kejadiannya?" in reply
    (reply,) = sms("Air sudah masuk ke masjid dan sekolah, warga mengungsi ke balai desa")
    assert "Tambahan cerita dicatat" in reply and "Kapan kejadiannya?" in reply
    incident = Incident.objects.get()
    assert incident.events.filter(data__reporter_addition=True, note__contains="balai desa").exists()
    (reply,) = sms("banyak")
    assert 'Belum dimengerti waktu "banyak"' in reply
    sms("lewat")
    (reply,) = sms("banyak sekali")
    assert 'Belum dimengerti jawaban "banyak sekali"' in reply and "Korban meninggal?" in reply


def test_tambah_without_a_report_of_the_day(sms):
    (reply,) = sms("TAMBAH")
    assert "Tidak ada laporan Anda" in reply and "LAPOR" in reply


def test_lapor_during_tambah_starts_a_new_report(sms):
    play(sms, GUIDED)
    sms("TAMBAH")
    (menu,) = sms("LAPOR")
    assert "Kejadian apa?" in menu


def test_rahasia_during_tambah_hides_the_number_and_asks_again(sms):
    play(sms, GUIDED)
    sms("TAMBAH")
    (reply,) = sms("rahasia")
    incident = Incident.objects.get()
    assert incident.anonymous and incident.confidential and "Kapan kejadiannya?" in reply


def test_every_reply_of_tambah_is_gsm7_and_one_part(sms):
    cost = play(sms, SCENARIOS["guided report, then TAMBAH"])
    assert all(is_gsm7(r) for r in cost.replies)
    assert [segments(r) for r in cost.replies[5:]] == [1] * 6


NOW = datetime(2026, 12, 5, 10, 30, tzinfo=WIB)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tadi pagi", datetime(2026, 12, 5, 7, 0)),
        ("tadi malam", datetime(2026, 12, 4, 21, 0)),
        ("semalam", datetime(2026, 12, 4, 21, 0)),
        ("kemarin sore", datetime(2026, 12, 4, 16, 0)),
        ("kemarin jam 3 sore", datetime(2026, 12, 4, 15, 0)),
        ("kmrn pagi", datetime(2026, 12, 4, 7, 0)),
        ("kemarin lusa", datetime(2026, 12, 3, 12, 0)),
        ("2 jam lalu", datetime(2026, 12, 5, 8, 30)),
        ("dua jam yang lalu", datetime(2026, 12, 5, 8, 30)),
        ("3 hari yang lalu", datetime(2026, 12, 2, 10, 30)),
        ("barusan", datetime(2026, 12, 5, 10, 30)),
        ("jam 9 pagi", datetime(2026, 12, 5, 9, 0)),
        ("14.00", datetime(2026, 12, 4, 14, 0)),
        ("4/12 14.00", datetime(2026, 12, 4, 14, 0)),
        ("05-12-2026 08:15", datetime(2026, 12, 5, 8, 15)),
        ("31/12", datetime(2025, 12, 31, 12, 0)),
        ("5/12", datetime(2026, 12, 5, 10, 30)),
    ],
)
def test_times_as_villagers_write_them(text, expected):
    assert parse_when(text, NOW).astimezone(WIB).replace(tzinfo=None) == expected


@pytest.mark.parametrize("text", ["entah", "xyz", "rumah 40", "5/12 14.00", "06-12-2026", "32/1", "jam 25"])
def test_times_not_understood_or_in_the_future(text):
    assert parse_when(text, NOW) is None


def test_the_category_questions_asked_by_sms_are_the_web_forms_optional_ones():
    flood = Category.objects.get(code="bencana-banjir")
    asked = [q["code"] for q in optional_questions(flood)]
    assert asked == [q["code"] for q in flood.questions if not q.get("required") and not q.get("staff")]
    assert "rumah_terendam" in asked and "meninggal" in asked
