"""Writes of the early-warning workflow: draft, edit, publish, cancel, expire.

Each runs in one transaction and writes its AlertEvent row (and, for
publishing and cancelling, an audit row). Publishing freezes the CAP
document, moves the message it updates or cancels out of "published", and
queues delivery to the subscribers through the outbox, so a broker that is
down delays the messages instead of failing the request or losing them.
Saving a draft asks the people who may publish it for their approval
(approval.approval_requested), through the outbox as well.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents import audit
from incidents.models import Desa, Kecamatan
from kitaaman.outbox import outbox_enqueue

from .approval import approval_requested
from .cap import build_cap, validation_errors
from .models import (
    CANCEL_TEXT,
    EVENT_CATEGORY,
    Alert,
    AlertArea,
    AlertEvent,
    CancelReason,
    EventAction,
    MsgType,
    State,
)
from .permissions import cancel_check, draft_check, publish_check
from .selectors import banner_changed
from .validators import forbidden_characters, validate_warning_text

DELIVER_TASK = "spm.warnings.tasks.deliver_alert"
MAX_AREAS = 100
MAX_DURATION = timedelta(days=31)
CONTENT_FIELDS = (
    "event",
    "category",
    "urgency",
    "severity",
    "certainty",
    "headline",
    "description",
    "instruction",
    "headline_en",
    "description_en",
    "instruction_en",
    "onset",
    "expires",
)


def _label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _event(alert, action, *, actor=None, from_state="", to_state="", note="", data=None, now=None):
    return AlertEvent.objects.create(
        alert=alert,
        action=action,
        actor=actor,
        actor_label=_label(actor),
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
        created_at=now or timezone.now(),
    )


def resolve_areas(codes) -> list[tuple[Kecamatan | None, Desa | None]]:
    """Kemendagri codes (kecamatan or desa) to places; unknown codes are an error."""
    codes = [str(c).strip() for c in (codes or []) if str(c).strip()]
    if not codes:
        raise ValidationError({"areas": [_("Pilih minimal satu kecamatan atau desa.")]})
    if len(set(codes)) > MAX_AREAS:
        raise ValidationError({"areas": [_("Paling banyak %(n)s wilayah per peringatan.") % {"n": MAX_AREAS}]})
    unique = list(dict.fromkeys(codes))
    # A retired kecamatan or desa is no longer warned by name (old warnings keep theirs).
    kecamatan = {k.code: k for k in Kecamatan.objects.offered().filter(code__in=unique)}
    desa = {d.code: d for d in Desa.objects.offered().filter(code__in=unique)}
    unknown = [c for c in unique if c not in kecamatan and c not in desa]
    if unknown:
        raise ValidationError(
            {"areas": [_("Kode wilayah tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown[:10])}]}
        )
    return [(kecamatan.get(c), desa.get(c)) for c in unique]


def _check_content(data: dict, *, msg_type: str, now: datetime) -> None:
    errors = {}
    for name in ("headline", "description"):
        if not (data.get(name) or "").strip():
            errors[name] = [_("Wajib diisi.")]
    if msg_type != MsgType.CANCEL and not (data.get("instruction") or "").strip():
        errors["instruction"] = [_("Tuliskan apa yang harus dilakukan warga.")]
    if len(data.get("headline") or "") > 160:
        errors["headline"] = [_("Judul singkat paling banyak 160 karakter.")]
    expires, onset = data.get("expires"), data.get("onset")
    if expires is None:
        errors["expires"] = [_("Isi waktu berakhirnya peringatan.")]
    else:
        if expires <= now:
            errors["expires"] = [_("Waktu berakhir harus di masa depan.")]
        elif expires - now > MAX_DURATION:
            errors["expires"] = [_("Peringatan berlaku paling lama 31 hari; terbitkan pembaruan bila perlu.")]
        if onset is not None and onset >= expires:
            errors["onset"] = [_("Waktu mulai harus sebelum waktu berakhir.")]
    if (data.get("headline_en") or data.get("description_en")) and not (
        data.get("headline_en") and data.get("description_en")
    ):
        errors["headline_en"] = [_("Isi judul dan uraian bahasa Inggris bersama-sama, atau kosongkan keduanya.")]
    if errors:
        raise ValidationError(errors)


def _check_reference(msg_type: str, references: Alert | None) -> None:
    if msg_type == MsgType.ALERT:
        if references is not None:
            raise ValidationError({"references": [_("Peringatan baru tidak merujuk pesan lain.")]})
        return
    if references is None:
        raise ValidationError({"references": [_("Pembaruan dan pembatalan harus merujuk peringatan yang terbit.")]})
    if references.state != State.PUBLISHED or references.msg_type == MsgType.CANCEL:
        raise ValidationError(
            {"references": [_("Hanya peringatan yang sedang terbit yang dapat diperbarui atau dibatalkan.")]}
        )


def _set_areas(alert: Alert, places) -> None:
    alert.areas.all().delete()
    AlertArea.objects.bulk_create([AlertArea(alert=alert, kecamatan=k, desa=d) for k, d in places])


@transaction.atomic
def alert_create(
    *,
    actor,
    areas: list[str],
    msg_type: str = MsgType.ALERT,
    references: Alert | None = None,
    now: datetime | None = None,
    **content,
) -> Alert:
    """A draft warning (or a draft update/cancellation of a published one),
    waiting for a second person's approval."""
    draft_check(actor)
    now = now or timezone.now()
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if msg_type not in MsgType.values:
        raise ValidationError({"msg_type": [_("Jenis pesan tidak dikenal.")]})
    _check_reference(msg_type, references)
    content.setdefault("category", EVENT_CATEGORY.get(content.get("event"), "Other"))
    _check_content(content, msg_type=msg_type, now=now)
    places = resolve_areas(areas)
    alert = Alert(msg_type=msg_type, references=references, created_by=actor, created_at=now, **content)
    alert.full_clean(exclude=["identifier", "delivery_id"])
    alert.save()
    _set_areas(alert, places)
    _event(alert, EventAction.CREATED, actor=actor, to_state=State.DRAFT, now=now, data={"msg_type": msg_type})
    approval_requested(alert)
    return alert


@transaction.atomic
def alert_edit(
    *, actor, alert_id: int, areas: list[str] | None = None, now: datetime | None = None, **content
) -> Alert:
    """Change a draft. The editor becomes one of its authors (four-eyes rule)."""
    draft_check(actor)
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert_id)
    if alert.state != State.DRAFT:
        raise ValidationError(_("Peringatan yang sudah terbit tidak dapat diubah; terbitkan pembaruan."))
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    changed = sorted(k for k, v in content.items() if getattr(alert, k) != v)
    for key, value in content.items():
        setattr(alert, key, value)
    _check_content({f: getattr(alert, f) for f in CONTENT_FIELDS}, msg_type=alert.msg_type, now=now)
    alert.full_clean(exclude=["identifier", "delivery_id"])
    alert.save()
    if areas is not None:
        before = sorted(a.code for a in alert.areas.select_related("desa", "kecamatan"))
        _set_areas(alert, resolve_areas(areas))
        if sorted(a.code for a in alert.areas.select_related("desa", "kecamatan")) != before:
            changed.append("areas")
    _event(
        alert,
        EventAction.EDITED,
        actor=actor,
        from_state=State.DRAFT,
        to_state=State.DRAFT,
        now=now,
        data={"fields": changed},
    )
    return alert


def _check_stored_text(alert: Alert) -> None:
    """A draft saved before its fields were checked may hold characters no CAP
    document can carry: say which field, instead of failing while publishing."""
    dirty = [
        str(Alert._meta.get_field(name).verbose_name)
        for name in Alert.TEXT_FIELDS
        if forbidden_characters(getattr(alert, name))
    ]
    if dirty:
        raise ValidationError(
            _(
                "Draf ini memuat karakter kontrol atau karakter tak sah di kolom %(fields)s, sehingga tidak dapat "
                "diterbitkan. Ubah draf dan hapus karakter itu, lalu minta persetujuan lagi."
            )
            % {"fields": ", ".join(dirty)}
        )


def _publish_locked(alert: Alert, *, actor, now: datetime) -> None:
    """Publish a locked draft: freeze its CAP document, retire what it
    references, queue delivery. The caller checked who may do it."""
    if alert.expires <= now:
        raise ValidationError({"expires": [_("Waktu berakhir sudah lewat; ubah draf sebelum menerbitkan.")]})
    _check_stored_text(alert)
    referenced = None
    if alert.references_id:
        referenced = Alert.objects.select_for_update().get(pk=alert.references_id)
        _check_reference(alert.msg_type, referenced)
        alert.references = referenced
    alert.state, alert.sent, alert.published_by = State.PUBLISHED, now, actor
    document = build_cap(alert, sent=now, note=_cancel_note(alert))
    errors = validation_errors(document)
    if errors:
        # Never publish a message a CAP consumer would refuse.
        raise ValidationError(_("Dokumen CAP tidak sah: %(errors)s") % {"errors": "; ".join(errors[:5])})
    alert.cap_xml = document.decode("utf-8")
    alert.save(update_fields=["state", "sent", "published_by", "cap_xml", "updated_at"])
    _event(alert, EventAction.PUBLISHED, actor=actor, from_state=State.DRAFT, to_state=State.PUBLISHED, now=now)
    if referenced is not None:
        to_state = State.CANCELLED if alert.msg_type == MsgType.CANCEL else State.SUPERSEDED
        referenced.state = to_state
        referenced.save(update_fields=["state", "updated_at"])
        _event(
            referenced,
            EventAction.CANCELLED if to_state == State.CANCELLED else EventAction.SUPERSEDED,
            actor=actor,
            from_state=State.PUBLISHED,
            to_state=to_state,
            now=now,
            note=alert.description if alert.msg_type == MsgType.CANCEL else "",
            data={"by": alert.identifier},
        )
    outbox_enqueue(task_name=DELIVER_TASK, kwargs={"alert_id": alert.pk})


def _cancel_note(alert: Alert) -> str:
    return alert.description if alert.msg_type == MsgType.CANCEL else ""


@transaction.atomic
def alert_publish(*, actor, alert_id: int, ip: str | None = None, now: datetime | None = None) -> Alert:
    """Publish a draft: a koordinator or Tim Efektif member who did not write it."""
    publish_check(actor)
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert_id)
    publish_check(actor, alert)
    if alert.state != State.DRAFT:
        raise ValidationError(
            _("Peringatan ini bukan draf lagi (status: %(state)s).") % {"state": alert.get_state_display()}
        )
    _publish_locked(alert, actor=actor, now=now)
    audit.record("warning.published", user=actor, ip=ip, data={"alert": alert.pk, "identifier": alert.identifier})
    if alert.msg_type == MsgType.CANCEL:
        # A cancellation in its author's words, approved by this second person.
        audit.record(
            "warning.cancelled",
            user=actor,
            ip=ip,
            data={"alert": alert.references_id, "identifier": alert.references.identifier, "cancel": alert.identifier},
        )
    return alert


def _cancel_reason(reason_code: str, reason: str) -> str:
    """The words of the Cancel message: a fixed reason's text, or the author's
    own (checked here, so a bad character is named on the reason field)."""
    if reason_code and reason:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "Pilih salah satu: alasan dari daftar (terbit seketika) atau alasan yang Anda tulis sendiri "
                        "(terbit setelah disetujui orang kedua)."
                    )
                ]
            }
        )
    if reason_code:
        if reason_code not in CancelReason.values:
            raise ValidationError({"reason_code": [_("Alasan pembatalan tidak dikenal; pilih dari daftar.")]})
        with translation.override(settings.LANGUAGE_CODE):
            return str(CANCEL_TEXT[reason_code])
    if not reason:
        raise ValidationError({"reason": [_("Pilih alasan pembatalan dari daftar, atau tuliskan alasan lain.")]})
    try:
        validate_warning_text(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    return reason


@transaction.atomic
def alert_cancel(
    *,
    actor,
    alert_id: int,
    reason_code: str = "",
    reason: str = "",
    ip: str | None = None,
    now: datetime | None = None,
) -> Alert:
    """Withdraw a published warning with a Cancel message referencing it, sent
    to the same subscribers. Returns the Cancel message.

    With a reason from the fixed list (`reason_code`, CancelReason) the Cancel
    is published at once: it only lowers the alarm, and its words are fixed
    ones, not the author's. With the author's own words (`reason`) it is a
    draft, published only when a second person who may publish approves it
    (alert_publish, the same four-eyes rule): free text that reaches the public
    page, the feeds and every subscriber is a message like any other."""
    cancel_check(actor)
    reason_code, reason = (reason_code or "").strip(), (reason or "").strip()
    text = _cancel_reason(reason_code, reason)
    now = now or timezone.now()
    original = Alert.objects.select_for_update().get(pk=alert_id)
    _check_reference(MsgType.CANCEL, original)
    if original.expires <= now:
        raise ValidationError(_("Peringatan ini sudah berakhir; tidak perlu dibatalkan."))
    cancel = Alert(
        msg_type=MsgType.CANCEL,
        references=original,
        created_by=actor,
        created_at=now,
        headline=(_("DIBATALKAN: %(headline)s") % {"headline": original.headline})[:160],
        description=text,
        instruction="",
        **{f: getattr(original, f) for f in ("event", "category", "urgency", "severity", "certainty", "expires")},
    )
    cancel.full_clean(exclude=["identifier", "delivery_id", "instruction"])
    cancel.save()
    AlertArea.objects.bulk_create(
        [AlertArea(alert=cancel, kecamatan_id=a.kecamatan_id, desa_id=a.desa_id) for a in original.areas.all()]
    )
    data = {"msg_type": "Cancel", "reason_code": reason_code} if reason_code else {"msg_type": "Cancel"}
    _event(cancel, EventAction.CREATED, actor=actor, to_state=State.DRAFT, now=now, data=data)
    audit_data = {"alert": original.pk, "identifier": original.identifier, "cancel": cancel.identifier}
    if not reason_code:
        approval_requested(cancel)
        audit.record("warning.cancel_requested", user=actor, ip=ip, data=audit_data)
        return cancel
    _publish_locked(cancel, actor=actor, now=now)
    audit.record("warning.cancelled", user=actor, ip=ip, data={**audit_data, "reason_code": reason_code})
    return cancel


def alerts_expire(*, now: datetime | None = None) -> int:
    """Move published messages past their expiry to "expired", once each: the
    conditional UPDATE lets only one of two concurrent sweeps write the event."""
    now = now or timezone.now()
    done = 0
    due = Alert.objects.filter(state=State.PUBLISHED, expires__lte=now)
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            if not due.filter(pk=pk).update(state=State.EXPIRED, updated_at=now):
                continue
            banner_changed()
            _event(Alert(pk=pk), EventAction.EXPIRED, from_state=State.PUBLISHED, to_state=State.EXPIRED, now=now)
            done += 1
    return done
