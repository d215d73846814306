"""Writes of the Open311 side: partner keys (issue, revoke, check) and
report submission. Each write is audited with a dotted action code.

Keys look like ka311_<prefix>_<secret>. Only the SHA-256 digest of the whole
key is stored (a 256-bit random secret needs no slow hash); the prefix finds
the row, and the digest is compared in constant time.
"""

import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import audit
from incidents.intake.services import report_submit
from incidents.intake.submission import Place, Reporter, Submission
from incidents.models import Channel, Incident
from kitaaman.outbox import outbox_enqueue

from .address import desa_from_address
from .media import ATTACH_TASK, media_url_check
from .models import PartnerApplication, PartnerKey
from .render import Open311Error
from .submission import Open311Submission

APPLICATION_CREATED = "open311.application_created"
KEY_CREATED = "open311.key_created"
KEY_REVOKED = "open311.key_revoked"
KEY_REFUSED = "open311.key_refused"
REQUEST_SUBMITTED = "open311.request_submitted"

KEY_PATTERN = re.compile(r"^ka311_([0-9a-f]{12})_[A-Za-z0-9_-]{20,100}$")
# An identical submission from the same application within this many
# seconds (up to twice it, across a window boundary) is a retry: the first
# report is answered again and nothing new is stored.
IDEMPOTENCY_WINDOW = 600
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Intake error keys -> the Open311 parameter the client sent.
PARAMETERS = {
    "category": "service_code",
    "description": "description",
    "lat": "lat/long",
    "lng": "lat/long",
    "desa": "address_string",
    "kecamatan": "address_string",
    "photos": "media_url",
}


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _application_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise ValidationError({"name": [_("Nama aplikasi wajib diisi, paling banyak 100 karakter.")]})
    return name


@transaction.atomic
def open311_key_create(*, application_name: str, actor=None, ip: str | None = None) -> tuple[PartnerKey, str]:
    """Issue a key to the application (registered now if new). Returns the
    stored key and the key itself, which is never shown again."""
    name = _application_name(application_name)
    application = PartnerApplication.objects.select_for_update().filter(name__iexact=name).first()
    if application is None:
        application = PartnerApplication.objects.create(name=name)
        audit.record(APPLICATION_CREATED, user=actor, ip=ip, data={"application": name})
    elif not application.active:
        raise ValidationError({"name": [_("Aplikasi %(name)s nonaktif; aktifkan dulu di admin.") % {"name": name}]})
    prefix = secrets.token_hex(6)
    raw = f"ka311_{prefix}_{secrets.token_urlsafe(32)}"
    key = PartnerKey.objects.create(
        application=application,
        prefix=prefix,
        digest=_digest(raw),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(KEY_CREATED, user=actor, ip=ip, data={"application": application.name, "prefix": prefix})
    return key, raw


@transaction.atomic
def open311_key_revoke(*, application_name: str, prefix: str | None = None, actor=None, ip: str | None = None) -> int:
    """Revoke the application's active keys (or only the one with `prefix`).
    Returns how many were revoked."""
    name = _application_name(application_name)
    application = PartnerApplication.objects.filter(name__iexact=name).first()
    if application is None:
        raise ValidationError({"name": [_("Aplikasi %(name)s tidak terdaftar.") % {"name": name}]})
    keys = PartnerKey.objects.filter(application=application, revoked_at__isnull=True)
    if prefix:
        keys = keys.filter(prefix=prefix)
    prefixes = list(keys.values_list("prefix", flat=True))
    count = keys.update(
        revoked_at=timezone.now(), revoked_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    audit.record(
        KEY_REVOKED, user=actor, ip=ip, data={"application": application.name, "prefixes": prefixes, "count": count}
    )
    return count


def open311_key_verify(raw: str, *, ip: str | None = None) -> PartnerKey:
    """The active key `raw` is, or Open311Error 403. A known key that is
    revoked or mistyped is audited; random strings are not (nothing to learn)."""
    raw = (raw or "").strip()
    if not raw:
        raise Open311Error(403, _("api_key wajib diisi untuk mengirim laporan."))
    match = KEY_PATTERN.match(raw)
    key = (
        PartnerKey.objects.select_related("application").filter(prefix=match.group(1)).first()
        if match is not None
        else None
    )
    if key is None:
        raise Open311Error(403, _("api_key tidak dikenal."))
    reason = None
    if not hmac.compare_digest(key.digest, _digest(raw)):
        reason = "mismatch"
    elif key.revoked_at is not None:
        reason = "revoked"
    elif not key.application.active:
        reason = "application_inactive"
    if reason is not None:
        audit.record(
            KEY_REFUSED, ip=ip, data={"application": key.application.name, "prefix": key.prefix, "reason": reason}
        )
        raise Open311Error(403, _("api_key tidak berlaku (dicabut atau aplikasi nonaktif)."))
    now = timezone.now()
    # At most one write a minute per key, not one per request.
    PartnerKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    return key


def _as_open311(exc: ValidationError) -> Open311Error:
    if not hasattr(exc, "error_dict"):
        return Open311Error(400, exc.messages)
    fields = exc.message_dict
    specific = any(name.startswith("details.") for name in fields)
    messages = []
    for name, texts in fields.items():
        if name == "details" and specific:
            continue  # the summary line; each attribute has its own below
        param = f"attribute[{name[8:]}]" if name.startswith("details.") else PARAMETERS.get(name, name)
        messages.extend(f"{param}: {text}" for text in texts)
    return Open311Error(400, messages)


@transaction.atomic
def _intake(*, application, submission: Open311Submission, desa_code, client_uuid, ip) -> tuple[Incident, bool]:
    """The one call into the portal's intake command (validation, territory,
    idempotency, notifications), as the web form makes it. The photo at
    media_url is fetched and attached by the worker (media.media_attach),
    queued in the same transaction."""
    incident, created = report_submit(
        Submission(
            category=submission.category,
            description=submission.description,
            place=Place(desa_code=desa_code, lat=submission.lat, lng=submission.long, detail=submission.address_string),
            reporter=Reporter(
                name=submission.reporter_name,
                phone=submission.phone,
                email=submission.email,
                # The reporter was never asked on our form: their identity stays
                # with the koordinator (each viewing audited), not every officer.
                anonymous=True,
            ),
            details=submission.attributes,
            # The partner application agreed to collect consent when registered.
            consent=True,
            channel=Channel.OPEN311,
            partner_application=application,
            client_uuid=client_uuid,
        )
    )
    if created:
        audit.record(
            REQUEST_SUBMITTED,
            incident=incident,
            ip=ip,
            data={
                "application": application.name,
                "device_id": submission.device_id,
                "account_id": submission.account_id,
            },
        )
        if submission.media_url:
            outbox_enqueue(task_name=ATTACH_TASK, kwargs={"incident_id": incident.pk, "url": submission.media_url})
    return incident, created


def open311_request_submit(
    *, key: PartnerKey, submission: Open311Submission, ip: str | None = None, now: float | None = None
) -> tuple[Incident, bool]:
    """Submit a report for the key's application. Returns (incident, created);
    a retry of the same submission answers the first report. Open311Error 400
    for anything the intake refuses; nothing is stored then."""
    application = key.application
    bucket = int(now if now is not None else time.time()) // IDEMPOTENCY_WINDOW
    current = submission.idempotency_key(application.pk, bucket)
    earlier = submission.idempotency_key(application.pk, bucket - 1)
    existing = Incident.objects.filter(client_uuid__in=[current, earlier]).first()
    if existing is not None:
        return existing, False
    desa_code = None
    if not (submission.lat and submission.long):
        try:
            desa_code = desa_from_address(submission.address_id or submission.address_string).code
        except ValidationError as exc:
            param = "address_id" if submission.address_id else "address_string"
            raise Open311Error(400, [f"{param}: {m}" for m in exc.messages])
    if submission.media_url:
        # Checked now without the network; fetched by the worker after the answer.
        try:
            media_url_check(submission.media_url)
        except ValidationError as exc:
            raise Open311Error(400, [f"media_url: {m}" for m in exc.messages])
    try:
        return _intake(
            application=application,
            submission=submission,
            desa_code=desa_code,
            client_uuid=current,
            ip=ip,
        )
    except ValidationError as exc:
        raise _as_open311(exc)
