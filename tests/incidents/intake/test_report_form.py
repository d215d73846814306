"""The citizen's report form (/lapor/): what it stores and every refusal."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from incidents.models import Incident, IncidentPhoto
from tests.factories import DESA_NIBUNG, DESA_RUPIT, RUPIT

pytestmark = pytest.mark.django_db
URL = "/lapor/"


def png_bytes(size=(40, 30), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def photo(name="foto.png", content=None):
    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type="image/png")


def valid_data(**overrides):
    data = {
        "category": "bencana-banjir",
        "description": "Air Sungai Rupit meluap sejak subuh dan masuk ke rumah warga.",
        "title": "Banjir di Muara Rupit",
        "occurred_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "kecamatan": RUPIT,
        "desa": DESA_RUPIT,
        "location_detail": "Dusun II dekat masjid",
        "d_bencana-banjir_rumah_terendam": "12",
        "d_bencana-banjir_masih_berlangsung": "ya",
        "reporter_name": "Rahmat Hidayat",
        "reporter_phone": "0812 7777 8888",
        "reporter_email": "rahmat@example.test",
        "consent": "on",
        "client_uuid": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def assert_refused(response, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laporan belum terkirim." in html
    assert message in html
    assert Incident.objects.count() == 0


def test_valid_report_is_stored_and_redirects_to_done_page(client):
    response = client.post(URL, valid_data(anonymous="on", confidential="on"))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == reverse("report_done", args=[incident.tracking_code])
    assert incident.category.code == "bencana-banjir"
    assert incident.desa_id == DESA_RUPIT and incident.kecamatan_id == RUPIT
    assert incident.details == {"rumah_terendam": 12, "masih_berlangsung": True}
    assert incident.anonymous is True and incident.confidential is True
    assert incident.location_detail == "Dusun II dekat masjid"
    assert incident.reporter_phone == "0812 7777 8888"
    assert incident.consent_at is not None
    assert incident.status == "baru" and incident.channel == "web"

    done = client.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert incident.tracking_code in html
    assert "1 jam" in html  # banjir is verified within one hour
    assert "Rahmat" not in html and "0812" not in html


def test_report_without_optional_fields_and_not_anonymous(client):
    data = valid_data(reporter_name="", reporter_phone="", reporter_email="", title="", occurred_at="")
    data.pop("d_bencana-banjir_rumah_terendam")
    response = client.post(URL, data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.anonymous is False and incident.confidential is False
    assert incident.details == {"masih_berlangsung": True}
    assert incident.occurred_at is None


def test_only_the_chosen_categorys_answers_are_stored(client):
    data = valid_data(**{"d_kebakaran-permukiman_jumlah_bangunan": "3"})
    assert client.post(URL, data).status_code == 302
    assert "jumlah_bangunan" not in Incident.objects.get().details


def test_fire_report_done_page_tells_fifteen_minutes(client):
    data = valid_data(category="kebakaran-permukiman", **{"d_kebakaran-permukiman_jumlah_bangunan": "2"})
    response = client.post(URL, data, follow=True)
    html = response.content.decode()
    assert "15 menit" in html and "113" in html and "112" in html


def test_photo_is_stored(client):
    response = client.post(URL, {**valid_data(), "photos": [photo(), photo("dua.png")]})
    assert response.status_code == 302
    assert IncidentPhoto.objects.filter(incident=Incident.objects.get()).count() == 2


def test_missing_consent_is_refused_and_keeps_what_was_typed(client):
    data = valid_data()
    data.pop("consent")
    response = client.post(URL, {**data, "photos": [photo()]})
    assert_refused(response, "Persetujuan pemrosesan data pribadi wajib diberikan.")
    html = response.content.decode()
    assert "Air Sungai Rupit meluap" in html
    assert 'value="Dusun II dekat masjid"' in html
    assert 'value="Rahmat Hidayat"' in html
    assert 'value="12"' in html
    assert f'value="{DESA_RUPIT}" data-kecamatan="{RUPIT}"' in html and "selected" in html
    assert 'id="cat-bencana-banjir" required checked' in html
    assert data["client_uuid"] in html  # the same form, so a later retry is still one report
    assert "perlu dipilih ulang" in html  # files cannot be kept


def test_desa_outside_chosen_kecamatan_is_refused(client):
    response = client.post(URL, valid_data(desa=DESA_NIBUNG))
    assert_refused(response, "Desa/kelurahan yang dipilih tidak berada di kecamatan tersebut.")
    assert 'id="id_desa_error"' in response.content.decode()


def test_unknown_category_is_refused(client):
    assert_refused(client.post(URL, valid_data(category="gunung-meletus")), "Kategori tidak dikenal.")


def test_missing_category_is_refused(client):
    assert_refused(client.post(URL, valid_data(category="")), "Pilih jenis kejadian yang dilaporkan.")


def test_missing_description_is_refused(client):
    assert_refused(client.post(URL, valid_data(description="  ")), "Uraian kejadian wajib diisi.")


def test_missing_location_is_refused(client):
    assert_refused(
        client.post(URL, valid_data(kecamatan="", desa="")), "Pilih desa/kelurahan atau tandai lokasi di peta."
    )


def test_point_outside_muratara_is_refused(client):
    response = client.post(URL, valid_data(desa="", lat="-6.2", lng="106.8"))
    assert_refused(response, "Titik lokasi berada di luar Kabupaten Musi Rawas Utara.")
    assert 'id="id_lat_error"' in response.content.decode()


def test_point_inside_muratara_finds_the_desa(client):
    from incidents.models import Desa

    desa = Desa.objects.get(code=DESA_RUPIT)
    response = client.post(URL, valid_data(kecamatan="", desa="", lat=str(desa.lat), lng=str(desa.lng)))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.lat == pytest.approx(desa.lat) and incident.desa.kecamatan_id == incident.kecamatan_id


def test_future_time_is_refused(client):
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert_refused(client.post(URL, valid_data(occurred_at=future)), "Waktu kejadian tidak boleh di masa depan.")


def test_unreadable_time_is_refused(client):
    assert_refused(client.post(URL, valid_data(occurred_at="kemarin sore")), "Tulis waktu seperti")


def test_bad_email_and_phone_are_refused(client):
    response = client.post(URL, valid_data(reporter_email="bukan-email", reporter_phone="telepon saya"))
    assert_refused(response, "Alamat e-mail tidak valid.")
    assert "Tulis nomor telepon dengan angka saja" in response.content.decode()


def test_file_that_is_not_a_photo_is_refused(client):
    bad = SimpleUploadedFile("foto.jpg", b"<?php echo 'x'; ?>", content_type="image/jpeg")
    assert_refused(client.post(URL, {**valid_data(), "photos": [bad]}), "bukan foto yang utuh")
    assert IncidentPhoto.objects.count() == 0


def test_too_large_photo_is_refused(client, settings):
    settings.MAX_PHOTO_BYTES = 100
    assert_refused(client.post(URL, {**valid_data(), "photos": [photo()]}), "terlalu besar")


def test_six_photos_are_refused(client):
    photos = [photo(f"f{i}.png") for i in range(6)]
    assert_refused(client.post(URL, {**valid_data(), "photos": photos}), "Paling banyak 5 foto.")
    assert IncidentPhoto.objects.count() == 0


def test_missing_required_extra_question_is_refused_next_to_the_question(client):
    data = valid_data(category="konflik-antarwarga")
    response = client.post(URL, data)
    assert_refused(response, "Apa pokok masalahnya? wajib diisi.")
    html = response.content.decode()
    assert "Apakah terjadi kekerasan? wajib diisi." in html
    # The message sits in the question's own field block.
    block = html.split('id="field-d_konflik-antarwarga_pokok_masalah"', 1)[1].split('id="field-', 1)[0]
    assert "wajib diisi" in block


def test_conflict_report_with_answers_is_stored(client):
    data = valid_data(
        category="konflik-antarwarga",
        **{"d_konflik-antarwarga_pokok_masalah": "batas-wilayah", "d_konflik-antarwarga_ada_kekerasan": "tidak"},
    )
    assert client.post(URL, data).status_code == 302
    assert Incident.objects.get().details == {"pokok_masalah": "batas-wilayah", "ada_kekerasan": False}


def test_honeypot_pretends_success_and_saves_nothing(client):
    response = client.post(URL, valid_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Laporan Anda sudah kami terima" in response.content.decode()
    assert Incident.objects.count() == 0


def test_double_submit_with_same_client_uuid_creates_one_report(client):
    data = valid_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.count() == 1


def test_mangled_client_uuid_still_accepts_the_report(client):
    assert client.post(URL, valid_data(client_uuid="not-a-uuid")).status_code == 302
    assert Incident.objects.count() == 1


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"report_submit": "3/hour"}}
    for _ in range(3):
        assert client.post(URL, valid_data()).status_code == 302
    response = client.post(URL, valid_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "Terlalu banyak laporan dari jaringan Anda." in html
    assert "Air Sungai Rupit meluap" in html  # nothing typed is lost
    assert Incident.objects.count() == 3
    # Another address is not affected.
    assert client.post(URL, valid_data(), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_signed_in_staff_are_not_rate_limited(client, settings, personas):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"report_submit": "1/hour"}}
    client.force_login(personas.officer_rupit)
    for _ in range(3):
        assert client.post(URL, valid_data()).status_code == 302
    assert Incident.objects.filter(created_by=personas.officer_rupit).count() == 3


def test_form_needs_csrf():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, valid_data()).status_code == 403
    assert Incident.objects.count() == 0


def test_get_and_post_only(client):
    assert client.put(URL).status_code == 405


def test_rate_limit_trusts_forwarded_address_only_behind_a_proxy(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"report_submit": "1/hour"}}
    # Without a proxy a forged X-Forwarded-For changes nothing: the socket address counts.
    assert client.post(URL, valid_data(), HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 302
    assert client.post(URL, valid_data(), HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    # Behind one proxy, the address the proxy saw counts.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client.post(URL, valid_data(), HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 302
    assert client.post(URL, valid_data(), HTTP_X_FORWARDED_FOR="9.9.9.9, 3.3.3.3").status_code == 429
