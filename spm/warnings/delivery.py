"""Sending a published message to the subscribers of its desa.

Recipients are fixed the first time the delivery task runs: the confirmed
subscribers of every desa in the message's areas (a kecamatan area means all
of its desa), one row per address. Each (message, address) is one row of the
outbound ledger keyed by the alert's delivery_id, written with its content
in the same transaction (kitaaman.outbound) and sent by the ledger's task,
which claims it before sending, so nothing is sent twice.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from incidents.models import Desa
from kitaaman import region
from kitaaman.models import OutboundMessage
from kitaaman.outbound import Outgoing, outbound_enqueue

from .cap import public_url
from .models import Alert, AlertRecipient, MsgType, State, Subscriber

KIND = OutboundMessage.Kind.WARNING
KIND_CONFIRM = OutboundMessage.Kind.WARNING_CONFIRM
PENDING = OutboundMessage.State.PENDING
SMS_LIMIT = 459  # three SMS segments


def covered_desa(alert: Alert) -> list[str]:
    codes = set()
    for area in alert.areas.all():
        if area.desa_id:
            codes.add(area.desa_id)
        else:
            codes.update(Desa.objects.filter(kecamatan_id=area.kecamatan_id).values_list("code", flat=True))
    return sorted(codes)


def subscribers_for(alert: Alert):
    return Subscriber.objects.filter(desa_id__in=covered_desa(alert), confirmed_at__isnull=False).select_related("desa")


def record_recipients(alert: Alert) -> int:
    """Fix the recipients of a message once (a rerun adds nothing); inside
    alert_deliver's transaction, with their ledger rows."""
    if alert.recipients.exists():
        return 0
    rows, seen = [], set()
    for sub in subscribers_for(alert).order_by("desa_id", "id"):
        if sub.address in seen:
            continue
        seen.add(sub.address)
        rows.append(
            AlertRecipient(
                alert=alert,
                recipient=sub.address,
                channel=sub.channel,
                desa_id=sub.desa_id,
                kecamatan_id=sub.desa.kecamatan_id,
            )
        )
    AlertRecipient.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def unsubscribe_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('warnings:unsubscribe', args=[token])}"


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "j M Y H.i") + " WIB"


def sms_text(alert: Alert, *, unsubscribe: str) -> str:
    """The SMS of a message, at most three segments."""
    with translation.override(settings.LANGUAGE_CODE):
        if alert.msg_type == MsgType.CANCEL:
            lead = _("PEMBATALAN %(prefix)s") % {"prefix": region.current().sms_prefix}
            body = f"{alert.headline}. {alert.description}"
        else:
            lead = (_("PEMBARUAN %(prefix)s") if alert.msg_type == MsgType.UPDATE else _("PERINGATAN %(prefix)s")) % {
                "prefix": region.current().sms_prefix
            }
            body = _("%(headline)s. %(instruction)s Berlaku s.d. %(until)s.") % {
                "headline": alert.headline,
                "instruction": alert.instruction.strip(),
                "until": _when(alert.expires),
            }
        tail = " " + _("Info: %(url)s Berhenti: %(stop)s") % {"url": public_url(alert), "stop": unsubscribe}
        head = f"{lead}: "
        room = SMS_LIMIT - len(head) - len(tail)
        if len(body) > room:
            body = body[: max(room - 1, 0)].rstrip() + "…"
        return head + body + tail


def email_parts(alert: Alert, *, unsubscribe: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        if alert.msg_type == MsgType.CANCEL:
            subject = _("[KITA AMAN] Pembatalan: %(headline)s") % {"headline": alert.headline}
        elif alert.msg_type == MsgType.UPDATE:
            subject = _("[KITA AMAN] Pembaruan peringatan: %(headline)s") % {"headline": alert.headline}
        else:
            subject = _("[KITA AMAN] Peringatan: %(headline)s") % {"headline": alert.headline}
        text = render_to_string(
            "emails/warning.txt",
            {
                "region": region.current(),
                "alert": alert,
                "areas": [a.name for a in alert.areas.select_related("desa__kecamatan", "kecamatan")],
                "expires": _when(alert.expires),
                "onset": _when(alert.onset) if alert.onset else "",
                "link": public_url(alert),
                "unsubscribe": unsubscribe,
            },
        )
    return subject[:255], text


def _messages(alert: Alert, recipients, tokens: dict) -> list[Outgoing]:
    out = []
    for r in recipients:
        stop = unsubscribe_url(tokens[r.recipient])
        if r.channel == Subscriber.Channel.SMS:
            out.append(Outgoing(channel="sms", recipient=r.recipient, text=sms_text(alert, unsubscribe=stop)))
        else:
            subject, text = email_parts(alert, unsubscribe=stop)
            out.append(Outgoing(channel="email", recipient=r.recipient, subject=subject, text=text))
    return out


def alert_deliver(*, alert_id: int) -> int | None:
    """Write a published message to the ledger for each recipient and queue
    its sending (task body; safe to rerun). Recipients and their rows are
    written together: a worker dying in between must not leave recipients
    that no row will ever send to. Returns how many rows are new."""
    alert = Alert.objects.filter(pk=alert_id).exclude(state=State.DRAFT).first()
    if alert is None:
        return None
    with transaction.atomic():
        record_recipients(alert)
        ledger = OutboundMessage.objects.filter(message_id=alert.delivery_id)
        # Recipients without a row, or with one recorded without its content (older rows).
        done = ledger.exclude(state=PENDING, text="")
        todo = list(alert.recipients.exclude(recipient__in=done.values("recipient")))
        tokens = dict(
            Subscriber.objects.filter(address__in=[r.recipient for r in todo])
            .order_by("-id")
            .values_list("address", "token")
        )
        gone = [r.recipient for r in todo if r.recipient not in tokens]
        if gone:
            # Unsubscribed after the message went out to the queue: not sent, and said so.
            ledger.filter(recipient__in=gone, state=PENDING).update(state="failed", last_error="unsubscribed")
        todo = [r for r in todo if r.recipient in tokens]
        return outbound_enqueue(message_id=alert.delivery_id, kind=KIND, messages=_messages(alert, todo, tokens))


def delivery_progress(alert: Alert) -> dict:
    """Sent/failed/pending counts of a message; before its recipients are
    fixed, pending is the number of confirmed subscribers in its areas."""
    counts = OutboundMessage.objects.filter(message_id=alert.delivery_id).aggregate(
        sent=Count("id", filter=Q(state="sent")),
        failed=Count("id", filter=Q(state="failed")),
        pending=Count("id", filter=Q(state__in=("pending", "sending"))),
        total=Count("id"),
    )
    counts["recorded"] = bool(counts["total"])
    if not counts["total"] and alert.state != State.DRAFT:
        counts["pending"] = subscribers_for(alert).values("address").distinct().count()
        counts["total"] = counts["pending"]
    return counts


def confirmation_message_id(subscriber: Subscriber) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:warning-confirm:{subscriber.token}")


def send_confirmation(*, subscriber_id: int) -> int | None:
    """Ask a new subscriber to confirm (task body; one message per subscription)."""
    sub = Subscriber.objects.select_related("desa").filter(pk=subscriber_id, confirmed_at__isnull=True).first()
    if sub is None:
        return None
    link = f"{settings.SITE_URL}{reverse('warnings:confirm', args=[sub.token])}"
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "KITA AMAN %(region)s: konfirmasi langganan peringatan dini untuk %(desa)s di %(link)s "
            "Abaikan pesan ini bila Anda tidak mendaftar."
        ) % {"region": region.current().short_name, "desa": sub.desa.name, "link": link}
        subject = _("[KITA AMAN] Konfirmasi langganan peringatan dini")
    message = Outgoing(channel=sub.channel, recipient=sub.address, subject=subject, text=text)
    return outbound_enqueue(message_id=confirmation_message_id(sub), kind=KIND_CONFIRM, messages=[message])
