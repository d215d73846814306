"""Drafts waiting for a second person: who is asked, and the e-mail asking them.

A draft (a new warning, an update, or a cancellation in the author's own
words) is published only by someone who may publish and did not write it
(permissions.publish_check). When a draft is saved, those people are told by
e-mail: an outbox row is written in the draft's transaction and the task sends
one message per person through the outbound ledger (kitaaman.outbound), keyed by the draft, so a
rerun or an edit of the draft never mails anyone twice. On the desk the same
people see the draft in the "Menunggu persetujuan" block of their landing page
(templatetags.warnings_desk) and on the warnings list.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from incidents.roles import ADMIN
from kitaaman.models import OutboundMessage
from kitaaman.outbound import Outgoing, outbound_enqueue
from kitaaman.outbox import outbox_enqueue

from .models import Alert, AlertEvent, EventAction, MsgType, State
from .permissions import PUBLISHER_ROLES, can_publish_any

APPROVAL_TASK = "spm.warnings.tasks.ask_for_approval"
KIND = OutboundMessage.Kind.WARNING_APPROVAL
AUTHOR_ACTIONS = (EventAction.CREATED, EventAction.EDITED)
# Roles held as groups; ADMIN is a superuser (incidents.permissions).
PUBLISHER_GROUPS = sorted(PUBLISHER_ROLES - {ADMIN})


def approval_requested(alert: Alert) -> None:
    """Queue the e-mail to the people who may approve `alert` (call inside the
    transaction that saved the draft)."""
    outbox_enqueue(task_name=APPROVAL_TASK, kwargs={"alert_id": alert.pk})


def authored_by(user) -> Q:
    """Alerts `user` drafted or edited (permissions.is_author, as a filter)."""
    edited = AlertEvent.objects.filter(alert=OuterRef("pk"), actor_id=user.pk, action__in=AUTHOR_ACTIONS)
    return Q(created_by_id=user.pk) | Q(Exists(edited))


def awaiting_approval_of(user) -> QuerySet[Alert]:
    """Drafts `user` may approve now: none unless they may publish, never their own."""
    if not can_publish_any(user):
        return Alert.objects.none()
    return (
        Alert.objects.filter(state=State.DRAFT, expires__gt=timezone.now())
        .exclude(authored_by(user))
        .select_related("created_by", "references")
        .order_by("created_at", "id")
    )


def draft_state_for_viewer(alert: Alert, *, authored: bool, may_publish: bool, now=None) -> dict | None:
    """What a draft waits for, said to the person looking at it: {"label", "css"};
    None for a message that is no longer a draft."""
    if alert.state != State.DRAFT:
        return None
    if alert.expires <= (now or timezone.now()):
        return {"label": _("Waktu berakhir sudah lewat; ubah draf"), "css": "viewer-stale"}
    if authored:
        return {"label": _("Draf Anda, menunggu persetujuan orang lain"), "css": "viewer-own"}
    if may_publish:
        return {"label": _("Menunggu persetujuan Anda"), "css": "viewer-you"}
    return {"label": _("Menunggu persetujuan orang lain"), "css": "viewer-others"}


def approvers_for(alert: Alert) -> list:
    """Active people who may publish `alert`: koordinator, Tim Efektif and
    superusers, less everyone who drafted or edited it."""
    authors = set(
        AlertEvent.objects.filter(alert=alert, action__in=AUTHOR_ACTIONS, actor__isnull=False).values_list(
            "actor_id", flat=True
        )
    )
    if alert.created_by_id:
        authors.add(alert.created_by_id)
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=PUBLISHER_GROUPS) | Q(is_superuser=True))
        .exclude(pk__in=authors)
        .order_by("pk")
        .distinct()
    )
    return list(users)


def approval_message_id(alert: Alert) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:warning-approval:{alert.delivery_id}")


def approval_messages(alert: Alert) -> list[Outgoing]:
    link = f"{settings.SITE_URL}{reverse('warnings:desk_detail', args=[alert.pk])}"
    with translation.override(settings.LANGUAGE_CODE):
        if alert.msg_type == MsgType.CANCEL:
            subject = _("[KITA AMAN] Pembatalan peringatan menunggu persetujuan: %(headline)s")
        else:
            subject = _("[KITA AMAN] Peringatan menunggu persetujuan: %(headline)s")
        subject = subject % {"headline": alert.headline}
        author = alert.created_by
        text = render_to_string(
            "emails/warning_approval.txt",
            {
                "alert": alert,
                "author": (author.get_full_name() or author.get_username()) if author else _("Petugas"),
                "areas": [a.name for a in alert.areas.select_related("desa__kecamatan", "kecamatan")],
                "expires": formats.date_format(timezone.localtime(alert.expires), "j M Y H.i") + " WIB",
                "link": link,
            },
        )
    return [
        Outgoing(channel="email", recipient=user.email, subject=subject[:255], text=text)
        for user in approvers_for(alert)
        if user.email
    ]


def approval_send(*, alert_id: int) -> int | None:
    """Task body: mail the approvers of a draft still waiting (safe to rerun)."""
    alert = (
        Alert.objects.select_related("created_by", "references")
        .filter(pk=alert_id, state=State.DRAFT, expires__gt=timezone.now())
        .first()
    )
    if alert is None:
        return None
    return outbound_enqueue(message_id=approval_message_id(alert), kind=KIND, messages=approval_messages(alert))
