"""SMS as a villager writes it, replayed through the signed webhook against
the fake gateway on 127.0.0.1: what each reply costs in paid parts, a story
sent in several SMS, RAHASIA, and the everyday words a menu must understand."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from incidents.channels.models import Conversation
from incidents.models import EventKind, Incident
from incidents.workflow.services import incident_transition
from kitaaman.gsm import is_gsm7, segments, sms_text
from tests.incidents.channels.helpers import SENDER, menu_number, post_sms, sms_event
from tests.incidents.channels.scenarios import SCENARIOS, SPLIT_PARTS, STORY, play

pytestmark = pytest.mark.django_db


# --- what an SMS costs -------------------------------------------------------------------------------


def test_segments_are_counted_as_the_network_bills_them():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    # One character outside GSM-7 makes the whole message UCS-2.
    assert segments("a" * 69 + "…") == 1 and segments("a" * 70 + "…") == 2
    # The extension table costs two septets: 80 "{" fill one part.
    assert segments("{" * 80) == 1 and segments("{" * 81) == 2


def test_sms_text_keeps_the_meaning_in_gsm7():
    text = "Tim “BPBD” – menuju lokasi… ‘segera’ 🚤 ç"
    plain = sms_text(text)
    assert plain == "Tim \"BPBD\" - menuju lokasi... 'segera' c"
    assert is_gsm7(plain)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_reply_of_every_scenario_is_gsm7(sms, name):
    cost = play(sms, SCENARIOS[name])
    assert cost.replies and all(is_gsm7(reply) for reply in cost.replies)


def test_a_clean_guided_report_costs_at_most_six_parts(sms):
    cost = play(sms, SCENARIOS["clean guided report"])
    assert Incident.objects.count() == 1
    assert (cost.sent, cost.received) == (5, 5) and cost.segments <= 6


def test_the_one_message_confirmation_is_one_part_and_says_who_sees_the_number(sms):
    (reply,) = sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    incident = Incident.objects.get()
    assert segments(reply) == 1
    assert f"CEK {incident.tracking_code}" in reply and "hanya dilihat petugas" in reply and "RAHASIA" in reply


def test_a_typo_report_costs_no_more_than_a_clean_one(sms):
    cost = play(sms, SCENARIOS["typo report"])
    incident = Incident.objects.get()
    assert cost.sent == 5 and cost.segments <= 6
    assert incident.category.code == "bencana-banjir" and incident.location_detail == "dusun 2"


def test_the_conflict_report_asks_about_secrecy_and_costs_far_less(sms):
    cost = play(sms, SCENARIOS["conflict report"])
    incident = Incident.objects.get()
    assert incident.category.code == "konflik-perusahaan" and incident.details["pokok_masalah"] == "tanah-sumber-daya"
    assert incident.anonymous and incident.confidential
    assert cost.segments <= 14


def test_an_officers_long_note_is_never_cut_mid_word(sms, personas, provider, committing):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    incident = Incident.objects.get()
    note = "Tim “BPBD” – dua perahu karet – menuju lokasi. " * 8 + "Warga diminta mengungsi ke sekolah."
    with committing():
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi", note=note, public=True)
    news = provider.sms_texts()[-1]
    assert is_gsm7(news) and "sudah dicek petugas" in news
    assert f"Selengkapnya: CEK {incident.tracking_code}" in news
    cut = news.split("Catatan petugas: ", 1)[1].split("...", 1)[0]
    assert sms_text(note).startswith(cut) and sms_text(note)[len(cut)] == " "
    # CEK sends it whole, across parts.
    (whole,) = sms(f"CEK {incident.tracking_code}")
    assert "Warga diminta mengungsi ke sekolah." in whole and is_gsm7(whole)


def test_a_flood_of_confusion_is_answered_three_times_then_one_notice(sms):
    # 22 messages: past the sender limit (20) too, and still one notice in all.
    replies = [sms(f"asdf {i}") for i in range(22)]
    answered = [r for r in replies if r]
    assert len(answered) == 4 and sum(len(r) for r in answered) == 4
    assert all("LAPOR" in r[0] for r in answered[:3]) and "belum kami mengerti" in answered[3][0]
    assert sum(segments(r[0]) for r in answered) <= 4


def test_something_understood_starts_the_count_again(sms):
    for i in range(4):
        sms(f"asdf {i}")
    (menu,) = sms("LAPOR")
    assert "Kejadian apa?" in menu
    (reply,) = sms("xyzq")
    assert "Belum dimengerti" in reply


# --- nothing of the story lost -------------------------------------------------------------------------


def _send_at(client, committing, provider, text, received_at):
    """One SMS with the gateway's received time given."""
    before = len(provider.sms_texts())
    event = sms_event(text)
    event["payload"]["receivedAt"] = received_at.isoformat(timespec="milliseconds")
    with committing():
        assert post_sms(client, event).status_code == 200
    return provider.sms_texts()[before:]


def test_a_story_in_three_sms_in_order_ends_whole_in_one_report(sms):
    (first,) = sms(SPLIT_PARTS[0])
    code = Incident.objects.get().tracking_code
    (second,) = sms(SPLIT_PARTS[1])
    (third,) = sms(SPLIT_PARTS[2])
    assert second == third == f"Tambahan cerita dicatat pada laporan {code}."
    incident = Incident.objects.get()
    assert "40 rumah terendam" in incident.description and incident.description.endswith("air masih terus naik pak")
    assert incident.events.filter(kind=EventKind.NOTE, data__reporter_addition=True).count() == 2


def test_a_story_in_three_sms_arriving_2_1_3_ends_whole_in_one_report(client, channel_settings, committing, provider):
    start = datetime.now(UTC)
    (kept,) = _send_at(client, committing, provider, SPLIT_PARTS[1], start)
    assert "Cerita Anda dicatat" in kept and "MENU" in kept and segments(kept) == 1
    assert not Incident.objects.exists()
    (done,) = _send_at(client, committing, provider, SPLIT_PARTS[0], start + timedelta(seconds=5))
    (added,) = _send_at(client, committing, provider, SPLIT_PARTS[2], start + timedelta(seconds=9))
    assert segments(kept) + segments(done) + segments(added) == 3
    incident = Incident.objects.get()
    assert incident.tracking_code in done
    head = SPLIT_PARTS[0].split("#", 3)[3]
    # The gateway got part 2 before the part that starts the report: its place is uncertain.
    assert incident.description.startswith(head + " (lanjutan) 40 rumah terendam")
    assert incident.description.endswith("air masih terus naik pak")


def test_a_second_sms_of_the_story_in_the_guided_conversation_is_kept(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    sms("Muara Rupit")
    sms(STORY)
    (reply,) = sms("Jalan ke pasar putus dan dua orang tua sakit belum bisa keluar.")
    assert "Tambahan cerita dicatat" in reply and "YA" in reply
    sms("ya.")
    assert (
        Incident.objects.get().description == STORY + " Jalan ke pasar putus dan dua orang tua sakit belum bisa keluar."
    )


def test_a_message_hours_after_the_report_is_added_to_it_and_shown_on_the_desk(sms, personas):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    Conversation.objects.update(closed_at=Conversation.objects.get().closed_at - timedelta(hours=3))
    (reply,) = sms("Air sudah surut sedikit tapi masih ada dua keluarga di atap rumah")
    incident = Incident.objects.get()
    assert reply == f"Tambahan cerita dicatat pada laporan {incident.tracking_code}." and segments(reply) == 1
    # Hours later it is an addition on the timeline, not a change of the story.
    assert incident.description == "Air naik setinggi pinggang sejak subuh"
    client = Client()
    client.force_login(personas.koordinator)
    page = client.get(f"/petugas/laporan/{incident.pk}/").content.decode()
    assert "dua keluarga di atap rumah" in page and "Pelapor (SMS)" in page


def test_a_message_a_day_later_is_not_added_to_the_old_report(sms):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    Conversation.objects.update(closed_at=Conversation.objects.get().closed_at - timedelta(hours=25))
    sms("halo")
    assert not Incident.objects.get().events.filter(data__reporter_addition=True).exists()


# --- anonymity ------------------------------------------------------------------------------------------


def test_rahasia_in_the_conversation_makes_the_report_anonymous_and_confidential(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    (reply,) = sms("tolong nomor sy dirahasiakan, sy takut")
    assert "dirahasiakan" in reply and "desa/kelurahan mana" in reply
    sms("Muara Rupit")
    sms(STORY)
    sms("ya")
    incident = Incident.objects.get()
    assert incident.anonymous and incident.confidential and incident.reporter_phone == SENDER


def test_rahasia_after_the_one_message_form_hides_the_number_of_that_report(sms):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    (reply,) = sms("RAHASIA")
    incident = Incident.objects.get()
    assert incident.tracking_code in reply and incident.anonymous and incident.confidential
    assert incident.events.filter(kind=EventKind.EDIT, data__anonymous=True).exists()


def test_without_rahasia_the_report_is_not_secret_and_the_sentence_was_said(sms):
    cost = play(sms, SCENARIOS["clean guided report"])
    incident = Incident.objects.get()
    assert not incident.anonymous and not incident.confidential
    assert sum("hanya dilihat petugas" in r for r in cost.replies) == 1


# --- everyday words --------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["banjr", "banjir pak", "banjir bandang", "Banjir", "tiga"])
def test_category_words_people_write(sms, word):
    sms("LAPOR")
    (reply,) = sms(word)
    assert "desa/kelurahan mana" in reply
    assert Conversation.objects.get().data["category"]


@pytest.mark.parametrize(
    "word, listed",
    [("kebakaran", ["Kebakaran hutan", "Kebakaran permukiman"]), ("konflik", ["Konflik warga", "Konflik antarwarga"])],
)
def test_a_word_of_several_categories_lists_only_those(sms, word, listed):
    sms("LAPOR")
    (reply,) = sms(word)
    assert "Yang mana?" in reply and f"1. {listed[0]}" in reply and f"2. {listed[1]}" in reply
    assert "3." not in reply and segments(reply) == 1


def test_words_pointing_two_ways_offer_both(sms):
    sms("LAPOR")
    (reply,) = sms("rumah terendam")
    assert "Yang mana?" in reply and "Banjir" in reply and "Kebakaran permukiman" in reply


@pytest.mark.parametrize("yes", ["ya", "ya.", "iya", "ya pak", "y", "Ya Bu"])
def test_yes_the_way_people_write_it(sms, yes):
    for text in ("LAPOR", "3", "Muara Rupit", STORY):
        sms(text)
    (done,) = sms(yes)
    assert Incident.objects.get().tracking_code in done


def test_answers_people_give_to_the_questions(sms):
    sms("LAPOR")
    sms("konflik")
    sms("1")
    sms("pauh satu dusun 3")
    sms("Kebun warga digusur alat berat perusahaan sejak kemarin.")
    (question,) = sms("tanah kebun")
    assert "Nama perusahaan" in question and "TIDAK TAHU" in question
    sms("tidak tahu")
    sms("tidak")
    sms("tidak")
    sms("ya pak")
    incident = Incident.objects.get()
    assert incident.desa.name == "Pauh I" and incident.location_detail == "dusun 3"
    assert incident.details["perusahaan"] == "tidak tahu" and incident.details["ada_kekerasan"] is False
    assert incident.details["pokok_masalah"] == "tanah-sumber-daya"


def test_tidak_ada_is_zero_for_a_number(sms):
    sms("lapor#kebakaran permukiman#Noman#Rumah warga terbakar tadi malam")
    (summary,) = sms("tidak ada")
    assert "Jumlah bangunan terbakar: 0" in summary


def test_tidak_ada_and_number_words_for_a_number(sms):
    sms("lapor#kebakaran permukiman#Noman#Rumah warga terbakar tadi malam")
    (summary,) = sms("dua")
    assert "Jumlah bangunan terbakar: 2" in summary
    sms("ya")
    assert Incident.objects.get().details["jumlah_bangunan"] == 2


def test_lapor_followed_by_words_starts_the_story(sms):
    (ask,) = sms("LAPOR air sungai naik masuk rumah warga sejak subuh")
    assert "Kejadian apa?" in ask and segments(ask) == 1
    (menu,) = sms("menu")
    assert "3. Banjir" in menu
    sms("banjir")
    (reply,) = sms("Muara Rupit")
    assert "Banjir, Muara Rupit" in reply and "air sungai naik masuk rumah warga" in reply
    sms("ya")
    assert Incident.objects.get().description == "air sungai naik masuk rumah warga sejak subuh"


def test_what_was_not_understood_is_named(sms):
    sms("LAPOR")
    (reply,) = sms("xyzq")
    assert 'Belum dimengerti jenis kejadian "xyzq"' in reply and "Balas angka 1-" in reply
    sms("banjir")
    (reply,) = sms("Kota Atlantis")
    assert 'Belum dimengerti nama desa "Kota Atlantis"' in reply


def test_balas_adds_to_ones_own_report_only(sms):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    incident = Incident.objects.get()
    Conversation.objects.update(closed_at=Conversation.objects.get().closed_at - timedelta(days=3))
    (reply,) = sms(f"balas {incident.tracking_code} air sudah surut pak")
    assert reply == f"Tambahan cerita dicatat pada laporan {incident.tracking_code}."
    assert incident.events.filter(data__reporter_addition=True, note__contains="air sudah surut").exists()
    (reply,) = sms(f"BALAS {incident.tracking_code} bukan laporan saya", sender="+6285200001111")
    assert "BALAS kode-laporan" in reply
    assert incident.events.filter(data__reporter_addition=True).count() == 1


def test_thanks_after_the_report_costs_nothing(sms):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    assert sms("makasih pak") == []
    assert sms("ok") == []
    assert not Incident.objects.get().events.filter(data__reporter_addition=True).exists()


def test_lapor_with_the_category_skips_the_menu(sms):
    (reply,) = sms("lapor banjir")
    assert "desa/kelurahan mana" in reply
    (reply,) = sms("LAPOR kebakaran", sender="+6285200001111")
    assert "Yang mana?" in reply and segments(reply) == 1
