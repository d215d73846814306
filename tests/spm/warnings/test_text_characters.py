"""Control characters and noncharacters are refused where a warning's text is
typed (the draft form, the API, the cancel reason, the model), with a clear
message; a draft saved with one before this check existed fails to publish
with a message, never a 500."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from spm.warnings import services
from spm.warnings.models import Alert, AlertArea, State
from spm.warnings.validators import forbidden_characters, validate_warning_text
from tests.factories import DESA_RUPIT
from tests.spm.warnings.conftest import flood

pytestmark = pytest.mark.django_db
API = "/api/v1/warnings/"
FIELDS = ("headline", "description", "instruction", "headline_en", "description_en", "instruction_en")
BAD = ["\u0001", "\u0000", "\u001b", "\u007f", "\u0085", "\u009f", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\ud800"]
MESSAGE = "karakter kontrol atau karakter tak sah"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_body(**overrides):
    data = flood(**overrides)
    data["expires"] = data["expires"].isoformat()
    return data


def form_data(**overrides):
    data = flood(**overrides)
    data["expires"] = timezone.localtime(data["expires"]).strftime("%Y-%m-%dT%H:%M")
    if overrides.get("headline_en") or overrides.get("description_en"):
        data.setdefault("headline_en", "Flood")
        data.setdefault("description_en", "River rising.")
    return data


def with_bad(field, char):
    text = {"headline_en": "Flood", "description_en": "River rising."}.get(field) or flood().get(field) or "Teks"
    return {field: text[:3] + char + text[3:]}


@pytest.mark.parametrize("char", BAD)
def test_the_validator_refuses_each_kind(char):
    assert forbidden_characters(f"Banjir{char} Rupit") == [f"U+{ord(char):04X}"]
    with pytest.raises(ValidationError) as caught:
        validate_warning_text(f"Banjir{char} Rupit")
    assert MESSAGE in caught.value.messages[0] and f"U+{ord(char):04X}" in caught.value.messages[0]


def test_line_breaks_tabs_and_ordinary_text_pass():
    for text in ("Baris satu\r\nBaris dua\n\tmenjorok", "Siaga 🌊 banjir — Muara Rupit, 80 cm", "Ünïcödé ½ ₹", ""):
        validate_warning_text(text)
        assert forbidden_characters(text) == []


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("char", ["\u0001", "\ufffe", "\u0085"])
def test_the_draft_page_refuses_each_field_with_a_message(client, personas, field, char):
    client.force_login(personas.mitra_bpbd)
    response = client.post("/petugas/peringatan/baru/", form_data(**with_bad(field, char)))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert MESSAGE in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.parametrize("field", FIELDS)
def test_the_edit_page_refuses_each_field(client, personas, draft, field):
    alert = draft()
    client.force_login(personas.mitra_bpbd)
    response = client.post(f"/petugas/peringatan/{alert.pk}/ubah/", form_data(**with_bad(field, "\u0001")))
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    alert.refresh_from_db()
    assert "\u0001" not in getattr(alert, field)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("char", ["\u0001", "\ufffe", "\ud800"])
def test_the_api_refuses_each_field_with_a_400(personas, field, char):
    body = json.dumps(api_body(**with_bad(field, char)))  # a lone surrogate travels as \\ud800 in JSON
    response = api(personas.mitra_bpbd).post(API, body, content_type="application/json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"] and any(MESSAGE in m for m in error["fields"][field]), error
    assert not Alert.objects.exists()


@pytest.mark.parametrize("char", ["\u0001", "\u0000", "\ud800"])
def test_the_api_refuses_a_control_character_in_an_area_code(personas, char):
    body = json.dumps(api_body(areas=[DESA_RUPIT, f"16.13.01{char}"]))
    response = api(personas.mitra_bpbd).post(API, body, content_type="application/json")
    assert response.status_code == 400 and "areas" in response.json()["error"]["fields"], response.content
    assert not Alert.objects.exists()


def test_the_api_refuses_a_control_character_in_references(personas, published):
    live = published()
    body = api_body(msg_type="Update", references=f"{live.identifier}\u0001")
    response = api(personas.mitra_bpbd).post(API, body, format="json")
    assert response.status_code == 400 and "references" in response.json()["error"]["fields"]


@pytest.mark.parametrize("char", ["\u0001", "\uffff"])
def test_the_cancel_reason_is_checked_on_the_page_and_in_the_api(client, personas, published, char):
    live = published()
    response = api(personas.mitra_bpbd).post(f"{API}{live.pk}/cancel/", {"reason": f"Air{char} surut"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    client.force_login(personas.mitra_bpbd)
    page = client.post(
        f"/petugas/peringatan/{live.pk}/batalkan/",
        {"reason_code": "lainnya", "reason": f"Air{char} surut"},
        follow=True,
    )
    assert page.status_code == 200 and MESSAGE in page.content.decode()
    assert Alert.objects.count() == 1 and Alert.objects.get().state == State.PUBLISHED


def test_the_model_refuses_it_in_full_clean(personas):
    alert = Alert(created_by=personas.mitra_bpbd, **{k: v for k, v in flood().items() if k != "areas"})
    alert.category = "Met"
    alert.description = "Air\u0001 naik"
    with pytest.raises(ValidationError) as caught:
        alert.full_clean(exclude=["identifier", "delivery_id"])
    assert list(caught.value.message_dict) == ["description"]


def dirty_draft(personas, field="description"):
    """A draft stored before the check existed (straight through the ORM)."""
    data = {k: v for k, v in flood().items() if k != "areas"}
    data[field] = data.get(field, "") + "\u0001"
    if field.endswith("_en"):
        data.update(headline_en="Flood", description_en="River rising.")
        data[field] += "\u0001"
    alert = Alert.objects.create(created_by=personas.mitra_bpbd, category="Met", **data)
    AlertArea.objects.create(alert=alert, desa_id=DESA_RUPIT)
    return alert


@pytest.mark.parametrize("field", ["headline", "description", "instruction", "description_en"])
def test_publishing_a_dirty_draft_from_before_fails_cleanly_in_the_api(personas, field):
    alert = dirty_draft(personas, field)
    response = api(personas.koordinator).post(f"{API}{alert.pk}/publish/")
    assert response.status_code == 400, response.content
    assert "tidak dapat diterbitkan" in response.json()["error"]["message"] + json.dumps(response.json())
    alert.refresh_from_db()
    assert alert.state == State.DRAFT and not alert.cap_xml


def test_publishing_a_dirty_draft_from_before_fails_cleanly_on_the_page_and_editing_repairs_it(client, personas):
    alert = dirty_draft(personas)
    client.force_login(personas.koordinator)
    response = client.post(f"/petugas/peringatan/{alert.pk}/terbitkan/", follow=True)
    assert response.status_code == 200
    assert "tidak dapat diterbitkan" in response.content.decode() and "uraian" in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).state == State.DRAFT
    # The preview page of the dirty draft still opens (its CAP preview names the problem).
    assert client.get(f"/petugas/peringatan/{alert.pk}/").status_code == 200
    # The author removes the character; another person then publishes.
    services.alert_edit(actor=personas.mitra_bpbd, alert_id=alert.pk, description="Air naik 1 m.")
    services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert Alert.objects.get(pk=alert.pk).state == State.PUBLISHED


def test_a_cancel_of_a_warning_whose_text_is_dirty_is_refused_cleanly(personas):
    """Even a listed reason cannot publish a Cancel built from a dirty original headline."""
    alert = dirty_draft(personas, "headline")
    Alert.objects.filter(pk=alert.pk).update(state=State.PUBLISHED, sent=timezone.now())
    response = api(personas.mitra_bpbd).post(f"{API}{alert.pk}/cancel/", {"reason_code": "diganti"}, format="json")
    assert response.status_code == 400, response.content
    assert Alert.objects.get(pk=alert.pk).state == State.PUBLISHED
