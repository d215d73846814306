"""The warning workflow: who drafts, the four-eyes rule on publishing, update
and cancel with references, automatic expiry, and the events as rows."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from incidents.models import AuditLog
from kitaaman.models import OutboxMessage
from spm.warnings import permissions, services
from spm.warnings.models import Alert, AlertEvent, State
from tests.factories import DESA_RUPIT
from tests.spm.warnings.conftest import DESA_RUPIT_2, KEC_NIBUNG, flood

pytestmark = pytest.mark.django_db


def test_bpbd_staff_and_tim_efektif_draft(personas, draft):
    by_bpbd = draft()
    by_tim = draft(actor=personas.tim_efektif)
    assert by_bpbd.state == by_tim.state == State.DRAFT
    assert by_bpbd.category == "Met"  # default for banjir
    event = by_bpbd.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "created",
        "",
        "draft",
        personas.mitra_bpbd,
    )


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_polres", "pimpinan", "koordinator"])
def test_others_may_not_draft(personas, who):
    with pytest.raises(PermissionDenied):
        services.alert_create(actor=getattr(personas, who), **flood())
    assert not Alert.objects.exists()


def test_a_petugas_of_the_bpbd_drafts(personas):
    from incidents.staff.services import staff_user_create

    officer = staff_user_create(
        username="bpbd_petugas", role="petugas", kecamatan_codes=["16.13.01"], agency_code="bpbd"
    )
    assert services.alert_create(actor=officer, **flood()).state == State.DRAFT


def test_the_author_cannot_publish_their_own_draft(personas, draft):
    alert = draft(actor=personas.tim_efektif)
    with pytest.raises(permissions.FourEyesViolation):
        services.alert_publish(actor=personas.tim_efektif, alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.state == State.DRAFT and alert.sent is None and not alert.cap_xml
    # Only the request for approval is queued: nothing is delivered to subscribers.
    assert not OutboxMessage.objects.filter(task_name="spm.warnings.tasks.deliver_alert").exists()


def test_whoever_edited_the_draft_cannot_publish_it_either(personas, draft):
    alert = draft()
    services.alert_edit(actor=personas.tim_efektif, alert_id=alert.pk, headline="Banjir Sungai Rupit: siaga")
    with pytest.raises(permissions.FourEyesViolation):
        services.alert_publish(actor=personas.tim_efektif, alert_id=alert.pk)
    published = services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert published.state == State.PUBLISHED


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_bpbd", "mitra_polres", "pimpinan"])
def test_only_koordinator_and_tim_efektif_publish(personas, draft, who):
    alert = draft(actor=personas.tim_efektif)
    with pytest.raises(PermissionDenied):
        services.alert_publish(actor=getattr(personas, who), alert_id=alert.pk)
    assert Alert.objects.get(pk=alert.pk).state == State.DRAFT


def test_publishing_freezes_the_cap_document_audits_and_queues_delivery(personas, draft):
    alert = draft()
    published = services.alert_publish(actor=personas.koordinator, alert_id=alert.pk, ip="10.0.0.9")
    assert published.state == State.PUBLISHED and published.published_by == personas.koordinator
    assert published.sent is not None
    assert "<status>Actual</status>" in published.cap_xml and published.identifier in published.cap_xml
    event = published.events.get(action="published")
    assert (event.from_state, event.to_state, event.actor) == ("draft", "published", personas.koordinator)
    assert event.actor_label == (personas.koordinator.get_full_name() or "koordinator")
    log = AuditLog.objects.get(action="warning.published")
    assert log.actor == personas.koordinator and log.data["identifier"] == published.identifier
    assert log.ip_address == "10.0.0.9"
    assert OutboxMessage.objects.filter(task_name="spm.warnings.tasks.deliver_alert").count() == 1
    # Publishing twice is refused, nothing changes.
    with pytest.raises(ValidationError):
        services.alert_publish(actor=personas.tim_efektif, alert_id=alert.pk)
    assert published.events.filter(action="published").count() == 1


def test_an_update_references_and_supersedes_the_published_warning(personas, published):
    original = published()
    update = services.alert_create(
        actor=personas.mitra_bpbd,
        msg_type="Update",
        references=original,
        **flood(headline="Banjir Sungai Rupit meluas ke Tanjung Beringin", severity="Extreme"),
    )
    assert Alert.objects.get(pk=original.pk).state == State.PUBLISHED  # until the update is published
    update = services.alert_publish(actor=personas.tim_efektif, alert_id=update.pk)
    original.refresh_from_db()
    assert original.state == State.SUPERSEDED
    assert original.events.filter(action="superseded", to_state="superseded", actor=personas.tim_efektif).exists()
    from spm.warnings.cap import cap_datetime

    expected = f"<references>bpbd.muratarakab.go.id,{original.identifier},{cap_datetime(original.sent)}</references>"
    assert expected in update.cap_xml
    assert "<msgType>Update</msgType>" in update.cap_xml


def test_an_update_needs_a_published_warning(personas, draft):
    pending = draft()
    with pytest.raises(ValidationError) as caught:
        services.alert_create(actor=personas.mitra_bpbd, msg_type="Update", references=pending, **flood())
    assert "references" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.alert_create(actor=personas.mitra_bpbd, msg_type="Update", **flood())


def test_cancel_with_a_listed_reason_publishes_a_cancel_message_at_once(personas, published):
    original = published()
    cancel = services.alert_cancel(actor=personas.mitra_bpbd, alert_id=original.pk, reason_code="ancaman-berlalu")
    original.refresh_from_db()
    assert original.state == State.CANCELLED
    assert cancel.msg_type == "Cancel" and cancel.state == State.PUBLISHED and cancel.references == original
    assert "<msgType>Cancel</msgType>" in cancel.cap_xml
    assert f",{original.identifier}," in cancel.cap_xml
    text = "Peringatan ini dibatalkan karena ancaman telah berlalu. Tetap ikuti arahan petugas setempat."
    assert cancel.description == text and f"<note>{text}</note>" in cancel.cap_xml
    assert sorted(a.code for a in cancel.areas.all()) == sorted([DESA_RUPIT, DESA_RUPIT_2])
    event = original.events.get(action="cancelled")
    assert (event.actor, event.note) == (personas.mitra_bpbd, text)
    assert cancel.events.get(action="created").data["reason_code"] == "ancaman-berlalu"
    assert AuditLog.objects.filter(action="warning.cancelled", actor=personas.mitra_bpbd).exists()
    # A cancelled warning cannot be cancelled or updated again.
    with pytest.raises(ValidationError):
        services.alert_cancel(actor=personas.koordinator, alert_id=original.pk, reason_code="salah-terbit")


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_polres", "pimpinan"])
def test_read_only_roles_cannot_cancel(personas, published, who):
    original = published()
    with pytest.raises(PermissionDenied):
        services.alert_cancel(actor=getattr(personas, who), alert_id=original.pk, reason="x")
    assert Alert.objects.get(pk=original.pk).state == State.PUBLISHED


@pytest.mark.parametrize(
    "reasons, field",
    [
        ({"reason": "  "}, "reason"),
        ({}, "reason"),
        ({"reason_code": "tidak-ada"}, "reason_code"),
        ({"reason_code": "ancaman-berlalu", "reason": "Air surut."}, "reason"),
        ({"reason": "Air surut\u0001."}, "reason"),
        ({"reason": "Air surut\ufffe."}, "reason"),
    ],
)
def test_cancel_needs_one_clean_reason(personas, published, reasons, field):
    original = published()
    with pytest.raises(ValidationError) as caught:
        services.alert_cancel(actor=personas.koordinator, alert_id=original.pk, **reasons)
    assert field in caught.value.message_dict
    assert Alert.objects.count() == 1


def test_expiry_is_automatic_and_happens_once(personas, published):
    alert = published()
    later = timezone.now() + timedelta(hours=25)
    assert services.alerts_expire(now=timezone.now()) == 0
    assert services.alerts_expire(now=later) == 1
    assert services.alerts_expire(now=later) == 0
    alert.refresh_from_db()
    assert alert.state == State.EXPIRED
    assert list(alert.events.values_list("action", flat=True)) == ["created", "published", "expired"]


def test_the_expiry_task_is_on_the_beat_schedule():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"spm.warnings.tasks.expire_alerts", "spm.warnings.tasks.fetch_feeds"} <= tasks


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_expiry_sweeps_write_one_event(personas, published, require_postgres):
    alert = published()
    later = timezone.now() + timedelta(hours=25)
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            results.append(services.alerts_expire(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [0, 1]
    assert AlertEvent.objects.filter(alert=alert, action="expired").count() == 1


def test_areas_kecamatan_and_desa(personas, draft):
    alert = draft(areas=[KEC_NIBUNG, DESA_RUPIT])
    assert [(a.kecamatan_id, a.desa_id) for a in alert.areas.all()] == [(KEC_NIBUNG, None), (None, DESA_RUPIT)]
    with pytest.raises(ValidationError) as caught:
        draft(areas=["16.13.99", DESA_RUPIT])
    assert "16.13.99" in str(caught.value.message_dict["areas"])
    with pytest.raises(ValidationError):
        draft(areas=[])


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"expires": timezone.now() - timedelta(minutes=1)}, "expires"),
        ({"expires": timezone.now() + timedelta(days=40)}, "expires"),
        ({"onset": timezone.now() + timedelta(days=2)}, "onset"),
        ({"instruction": ""}, "instruction"),
        ({"headline_en": "Flood"}, "headline_en"),
    ],
)
def test_bad_content_is_refused_with_a_message(draft, overrides, field):
    with pytest.raises(ValidationError) as caught:
        draft(**overrides)
    assert field in caught.value.message_dict
    assert not Alert.objects.exists()


def test_a_draft_whose_expiry_passed_is_not_published(personas, draft):
    alert = draft()
    with pytest.raises(ValidationError):
        services.alert_publish(actor=personas.koordinator, alert_id=alert.pk, now=alert.expires + timedelta(minutes=1))
    assert Alert.objects.get(pk=alert.pk).state == State.DRAFT
