"""Cancelling a published warning: a reason from the fixed list is published
at once; the author's own words wait for a second person who may publish
(not the author), on the desk pages and in the API alike. Until then nothing
of those words reaches the public page, the Atom/CAP feed or subscribers."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from incidents.models import AuditLog
from kitaaman.models import OutboxMessage
from kitaaman.sms import LocmemSmsBackend
from spm.warnings import services
from spm.warnings.models import Alert, State

pytestmark = pytest.mark.django_db
API = "/api/v1/warnings/"
HOSTILE = "PERINGATAN BARU: tanggul jebol, SEGERA MENGUNGSI ke balai desa. Daftar di http://evil.example/daftar"
DELIVER = "spm.warnings.tasks.deliver_alert"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def public_everywhere(client, original) -> str:
    """Everything the public and subscribers can read about a warning."""
    parts = [client.get(f"/peringatan/{original.pk}/").content.decode()]
    parts.append(client.get("/peringatan/").content.decode())
    parts.append(client.get("/cap/feed.atom").content.decode())
    parts.append(client.get("/").content.decode())
    parts += [m.body for m in mail.outbox]
    parts += [m["text"] for m in LocmemSmsBackend.outbox]
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def _empty_outboxes():
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()


def test_a_bpbd_partners_own_words_are_not_public_until_a_second_person_approves(
    client, personas, published, subscribers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        original = published()
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(personas.mitra_bpbd).post(f"{API}{original.pk}/cancel/", {"reason": HOSTILE}, format="json")
    assert response.status_code == 201, response.content
    request = response.json()
    assert request["msg_type"] == "Cancel" and request["state"] == "draft" and request["cap_url"] is None
    original.refresh_from_db()
    assert original.state == State.PUBLISHED
    assert not OutboxMessage.objects.filter(task_name=DELIVER, kwargs={"alert_id": request["id"]}).exists()
    # Nothing of the text is public: not the warning's page, the list, the feed, the banner, nor any message
    # to subscribers (the only e-mails are the requests for approval to the staff who may publish).
    assert all(m.to[0].endswith("@example.test") and "persetujuan" in m.subject for m in mail.outbox)
    mail.outbox.clear()
    assert "evil.example" not in public_everywhere(client, original)
    assert client.get(f"/peringatan/{request['id']}/").status_code == 404
    assert client.get(f"/cap/{request['identifier']}.xml").status_code == 404
    assert AuditLog.objects.filter(action="warning.cancel_requested", actor=personas.mitra_bpbd).exists()

    # The koordinator (a second person who may publish) approves: now it is public and sent.
    with django_capture_on_commit_callbacks(execute=True):
        approved = api(personas.koordinator).post(f"{API}{request['id']}/publish/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "published"
    original.refresh_from_db()
    assert original.state == State.CANCELLED
    assert "evil.example" in public_everywhere(client, original)
    assert AuditLog.objects.filter(action="warning.cancelled", actor=personas.koordinator).exists()


@pytest.mark.parametrize("channel", ["page", "api"])
def test_a_listed_reason_is_public_at_once(
    client, personas, published, subscribers, channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        original = published()
    LocmemSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if channel == "api":
            response = api(personas.mitra_bpbd).post(
                f"{API}{original.pk}/cancel/", {"reason_code": "salah-terbit"}, format="json"
            )
            assert response.status_code == 201 and response.json()["state"] == "published"
        else:
            staff = client.__class__()
            staff.force_login(personas.mitra_bpbd)
            response = staff.post(f"/petugas/peringatan/{original.pk}/batalkan/", {"reason_code": "salah-terbit"})
            assert response.status_code == 302
    original.refresh_from_db()
    cancel = Alert.objects.get(msg_type="Cancel")
    assert original.state == State.CANCELLED and cancel.state == State.PUBLISHED
    text = "Peringatan ini dibatalkan karena diterbitkan akibat kesalahan. Abaikan peringatan tersebut."
    assert f"<note>{text}</note>" in cancel.cap_xml and "<msgType>Cancel</msgType>" in cancel.cap_xml
    assert text in client.get(f"/peringatan/{cancel.pk}/").content.decode()
    assert text in client.get("/cap/feed.atom").content.decode()
    assert any(text in m["text"] for m in LocmemSmsBackend.outbox)


@pytest.mark.parametrize("channel", ["page", "api"])
def test_the_author_of_a_cancel_request_cannot_approve_it_another_publisher_can(client, personas, published, channel):
    original = published()
    cancel = services.alert_cancel(actor=personas.koordinator, alert_id=original.pk, reason="Air sudah surut di hulu.")
    assert cancel.state == State.DRAFT
    if channel == "api":
        refused = api(personas.koordinator).post(f"{API}{cancel.pk}/publish/")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "four_eyes"
    else:
        client.force_login(personas.koordinator)
        page = client.post(f"/petugas/peringatan/{cancel.pk}/terbitkan/", follow=True).content.decode()
        assert "tidak boleh menerbitkannya sendiri" in page
    assert Alert.objects.get(pk=original.pk).state == State.PUBLISHED
    if channel == "api":
        assert api(personas.tim_efektif).post(f"{API}{cancel.pk}/publish/").status_code == 200
    else:
        client.force_login(personas.tim_efektif)
        client.post(f"/petugas/peringatan/{cancel.pk}/terbitkan/")
    assert Alert.objects.get(pk=original.pk).state == State.CANCELLED


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_bpbd", "pimpinan"])
def test_those_without_the_publish_right_cannot_approve_a_cancel_request(client, personas, published, who):
    original = published()
    cancel = services.alert_cancel(actor=personas.tim_efektif, alert_id=original.pk, reason="Air sudah surut.")
    user = getattr(personas, who)
    assert api(user).post(f"{API}{cancel.pk}/publish/").status_code == 403
    client.force_login(user)
    assert client.post(f"/petugas/peringatan/{cancel.pk}/terbitkan/").status_code == 403
    assert Alert.objects.get(pk=cancel.pk).state == State.DRAFT
    assert Alert.objects.get(pk=original.pk).state == State.PUBLISHED


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason_code": "tidak-ada"}, "reason_code"),
        ({"reason_code": "ancaman-berlalu", "reason": "Air surut."}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
    ],
)
def test_the_api_wants_exactly_one_reason(personas, published, data, field):
    original = published()
    response = api(personas.mitra_bpbd).post(f"{API}{original.pk}/cancel/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert Alert.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Pilih alasan pembatalan."),
        ({"reason_code": "lainnya", "reason": "  "}, "Tuliskan alasan lain"),
        ({"reason_code": "ancaman-berlalu", "reason": "Air surut."}, "Kosongkan kolom alasan lain"),
        ({"reason_code": "rahasia"}, "Alasan pembatalan tidak dikenal"),
    ],
)
def test_the_cancel_form_explains_a_missing_or_double_reason(client, personas, published, data, message):
    original = published()
    client.force_login(personas.mitra_bpbd)
    page = client.post(f"/petugas/peringatan/{original.pk}/batalkan/", data, follow=True).content.decode()
    assert message in page
    assert Alert.objects.count() == 1 and Alert.objects.get().state == State.PUBLISHED


def test_the_page_offers_the_listed_reasons_and_a_free_text_that_waits(client, personas, published):
    original = published()
    client.force_login(personas.mitra_bpbd)
    html = client.get(f"/petugas/peringatan/{original.pk}/").content.decode()
    for label in (
        "Ancaman telah berlalu",
        "Diterbitkan karena kesalahan",
        "Diganti peringatan baru",
        "Data sumber keliru",
    ):
        assert label in html
    assert 'value="lainnya"' in html and "terbit setelah disetujui orang kedua" in html
    response = client.post(
        f"/petugas/peringatan/{original.pk}/batalkan/", {"reason_code": "lainnya", "reason": HOSTILE}, follow=True
    )
    page = response.content.decode()
    cancel = Alert.objects.get(msg_type="Cancel")
    assert response.redirect_chain[-1][0] == f"/petugas/peringatan/{cancel.pk}/"
    assert cancel.state == State.DRAFT and "Permintaan pembatalan tersimpan" in page
    assert 'data-testid="cancel-request"' in page
    assert Alert.objects.get(pk=original.pk).state == State.PUBLISHED
