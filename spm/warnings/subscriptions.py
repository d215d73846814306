"""Residents subscribing to the warnings of their desa (phone or e-mail).

A subscription is confirmed through a link sent to the address (so nobody
can subscribe someone else's phone), and ended with the link in every
message, which deletes every subscription of that address. By SMS
(`DAFTAR <desa>`, confirmed with YA from the same number; `BERHENTI`) the
number itself proves it is theirs: the same subscribers, confirmed at once.
"""

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Desa
from kitaaman.models import OutboundMessage
from kitaaman.outbox import outbox_enqueue

from .models import Subscriber

CONFIRM_TASK = "spm.warnings.tasks.send_subscription_confirmation"
UNCONFIRMED_KEPT = timedelta(days=7)
PHONE = re.compile(r"^(?:\+62|62|0)(8\d{7,11})$")


def normalize_phone(raw: str) -> str:
    digits = re.sub(r"[\s\-().]", "", raw or "")
    match = PHONE.match(digits)
    if not match:
        raise ValidationError({"phone": [_("Nomor HP tidak valid. Tulis seperti 081234567890 atau +6281234567890.")]})
    return "+62" + match.group(1)


def normalize_email(raw: str) -> str:
    value = (raw or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError({"email": [_("Alamat e-mail tidak valid.")]})
    return value


def subscriber_create(*, desa_code: str, phone: str = "", email: str = "") -> tuple[Subscriber, bool]:
    """Start a subscription and send its confirmation. Returns (subscriber,
    created); asking again for the same desa and address sends nothing new."""
    desa = Desa.objects.offered().filter(code=(desa_code or "").strip()).first()
    if desa is None:
        raise ValidationError({"desa": [_("Pilih desa/kelurahan dari daftar.")]})
    if bool(phone) == bool(email):
        raise ValidationError({"phone": [_("Isi nomor HP atau alamat e-mail (salah satu saja).")]})
    if phone:
        channel, address = Subscriber.Channel.SMS, normalize_phone(phone)
    else:
        channel, address = Subscriber.Channel.EMAIL, normalize_email(email)
    existing = Subscriber.objects.filter(desa=desa, address=address).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(desa=desa, channel=channel, address=address)
            outbox_enqueue(task_name=CONFIRM_TASK, kwargs={"subscriber_id": subscriber.pk})
    except IntegrityError:
        # The same form sent twice at once: the other request created it.
        return Subscriber.objects.get(desa=desa, address=address), False
    return subscriber, True


def subscriber_confirm(*, token: str, now: datetime | None = None) -> Subscriber | None:
    subscriber = Subscriber.objects.select_related("desa").filter(token=token).first()
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=now or timezone.now()
        )
        subscriber.refresh_from_db()
    return subscriber


def subscriber_unsubscribe(*, token: str) -> int:
    """Delete every subscription of the token's address; returns how many."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return 0
    deleted, _rows = Subscriber.objects.filter(address=subscriber.address).delete()
    # Warnings not yet sent to the address are not sent (the ledger's task skips failed rows).
    OutboundMessage.objects.filter(
        kind__in=(OutboundMessage.Kind.WARNING, OutboundMessage.Kind.WARNING_CONFIRM),
        recipient=subscriber.address,
        state=OutboundMessage.State.PENDING,
    ).update(state=OutboundMessage.State.FAILED, last_error="unsubscribed")
    return deleted


def subscribers_purge_unconfirmed(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _rows = Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_KEPT
    ).delete()
    return deleted


def subscriber_sms_subscribe(*, number: str, desa_code: str, now: datetime | None = None, **kwargs) -> int:
    """Receiver of incidents.signals.warnings_sms_subscribe: the number
    confirmed by SMS. Returns 1 when it is (now) a confirmed subscriber."""
    desa = Desa.objects.filter(code=desa_code).first()
    try:
        address = normalize_phone(number)
    except ValidationError:
        return 0
    if desa is None:
        return 0
    subscriber, _created = Subscriber.objects.get_or_create(
        desa=desa, address=address, defaults={"channel": Subscriber.Channel.SMS}
    )
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=now or timezone.now())
    return 1


def subscriber_sms_unsubscribe(*, number: str, **kwargs) -> int:
    """Receiver of incidents.signals.warnings_sms_unsubscribe: every
    subscription of the number ends, as the link in a message does."""
    try:
        address = normalize_phone(number)
    except ValidationError:
        return 0
    deleted, _rows = Subscriber.objects.filter(address=address).delete()
    return deleted
