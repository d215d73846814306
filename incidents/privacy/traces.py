"""Where else a reporter's identity lives besides their reports, and how it
goes when they ask to be forgotten.

A reporter is known by names, numbers and e-mail addresses (`Identity`).
Their number is the sender and recipient of SMS/WhatsApp messages (also
messages that never became a report, such as a CEK), a channel contact, maybe
a blocked number; any of the three may sit in an audit row's details (a
block, a desk search, an Open311 partner's device and account ids), in a
report's history, in the notification log, and in desk exports still on
disk. `traces_erase` erases or redacts all of them.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from incidents.channels.models import BlockedNumber, Contact, Conversation, InboundMessage
from incidents.channels.phone import contact_id
from incidents.models import AuditLog, IncidentEvent
from incidents.signals import reporter_erased
from kitaaman.models import OutboundMessage

ERASED_NUMBER = "dihapus"
REDACTED = "[dihapus]"
OPEN311_SUBMITTED = "open311.request_submitted"
PARTNER_IDS = ("device_id", "account_id")
# A name shorter than this is not searched for outside the reporter's own
# reports and exports: "Ani" would match far too much that is not theirs.
MIN_NAME_SEARCH = 5


@dataclass
class Identity:
    names: set = field(default_factory=set)
    numbers: set = field(default_factory=set)  # as stored on the channels: +62…, or a WhatsApp user id
    phones: set = field(default_factory=set)  # as written anywhere: +62…, 62…, 0…, as given
    emails: set = field(default_factory=set)

    def add(self, *, name: str = "", phone: str = "", email: str = "") -> None:
        if name.strip():
            self.names.add(name.strip())
        if email.strip():
            self.emails.add(email.strip().lower())
        phone = phone.strip()
        if phone:
            self.phones.add(phone)
            canonical = contact_id(phone)
            if canonical:
                self.numbers.add(canonical)
                if canonical.startswith("+"):
                    digits = canonical[1:]
                    self.phones.update({canonical, digits})
                    if digits.startswith("62"):
                        self.phones.add("0" + digits[2:])

    def merge(self, other: "Identity") -> None:
        self.names |= other.names
        self.numbers |= other.numbers
        self.phones |= other.phones
        self.emails |= other.emails

    def needles(self, *, with_short_names: bool = True) -> list[str]:
        names = {n for n in self.names if with_short_names or len(n) >= MIN_NAME_SEARCH}
        return sorted({n.lower() for n in (*names, *self.phones, *self.emails) if n}, key=len, reverse=True)

    def __bool__(self):
        return bool(self.names or self.phones or self.emails)


def redactor(needles):
    """A function that replaces every needle (case-insensitive) in a JSON
    value's strings, returning (value, changed)."""
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None

    def redact(value):
        if pattern is None:
            return value, False
        if isinstance(value, str):
            new = pattern.sub(REDACTED, value)
            return new, new != value
        if isinstance(value, dict):
            pairs = [(k, redact(v)) for k, v in value.items()]
            return {k: v for k, (v, _c) in pairs}, any(c for _k, (_v, c) in pairs)
        if isinstance(value, list):
            items = [redact(v) for v in value]
            return [v for v, _c in items], any(c for _v, c in items)
        return value, False

    return redact


def incident_details_redact(incident_ids, identity: Identity) -> None:
    """The audit rows and the history of these reports: partner ids gone,
    any mention of the reporter redacted."""
    redact = redactor(identity.needles())
    for row in AuditLog.objects.filter(incident_id__in=incident_ids):
        data, changed = redact(row.data)
        if row.action == OPEN311_SUBMITTED and isinstance(data, dict):
            for key in PARTNER_IDS:
                if data.get(key):
                    data[key], changed = REDACTED, True
        if changed:
            AuditLog.objects.filter(pk=row.pk).update(data=data)
    for event in IncidentEvent.objects.filter(incident_id__in=incident_ids):
        data, data_changed = redact(event.data)
        note, note_changed = redact(event.note)
        if data_changed or note_changed:
            IncidentEvent.objects.filter(pk=event.pk).update(data=data, note=note)


def _audit_redact(identity: Identity) -> int:
    needles = identity.needles(with_short_names=False)
    if not needles:
        return 0
    redact = redactor(needles)
    condition = Q()
    for needle in needles:
        condition |= Q(data__icontains=needle)
    changed_rows = 0
    for row in AuditLog.objects.filter(condition):
        data, changed = redact(row.data)
        if changed:
            AuditLog.objects.filter(pk=row.pk).update(data=data)
            changed_rows += 1
    return changed_rows


def _channels_erase(identity: Identity) -> None:
    numbers = identity.numbers
    if not numbers:
        return
    redact = redactor(identity.needles())
    for message in InboundMessage.objects.filter(sender__in=numbers).select_related("conversation"):
        part_of_report = message.conversation is not None and message.conversation.incident_id is not None
        text = redact(message.text)[0] if part_of_report else ""
        if not part_of_report:
            # A photo sent outside a report is the sender's alone: it goes too.
            for photo in message.photos.all():
                if photo.image:
                    photo.image.delete(save=False)
                photo.delete()
        InboundMessage.objects.filter(pk=message.pk).update(
            sender=ERASED_NUMBER, raw={}, text=text, media=message.media if part_of_report else []
        )
    for message in OutboundMessage.objects.filter(recipient__in=numbers):
        # (message, recipient) is unique in the ledger: each row gets its own placeholder.
        OutboundMessage.objects.filter(pk=message.pk).update(
            recipient=f"{ERASED_NUMBER}-{message.pk}",
            text=redact(message.text)[0],
            template_params=redact(message.template_params)[0],
        )
    for conversation in Conversation.objects.filter(sender__in=numbers):
        data = redact(conversation.data)[0] if conversation.incident_id else {}
        # One open conversation per sender is a constraint: each gets its own placeholder.
        Conversation.objects.filter(pk=conversation.pk).update(sender=f"{ERASED_NUMBER}-{conversation.pk}", data=data)
    Contact.objects.filter(number__in=numbers).delete()
    BlockedNumber.objects.filter(number__in=numbers).delete()


def _raw_payloads_erase(identity: Identity) -> int:
    """A payload that could not be read has no sender to find it by (or
    another's): any raw payload that mentions the person goes."""
    needles = identity.needles(with_short_names=False)
    if not needles:
        return 0
    condition = Q()
    for needle in needles:
        condition |= Q(raw__icontains=needle)
    return InboundMessage.objects.filter(condition).update(raw={})


def _deliveries_erase(identity: Identity) -> None:
    redact = redactor(identity.needles())
    condition = Q(recipient__in=identity.phones | identity.numbers)
    for email in identity.emails:
        condition |= Q(recipient__iexact=email)
    for row in OutboundMessage.objects.filter(condition).only("pk", "subject", "text", "html"):
        OutboundMessage.objects.filter(pk=row.pk).update(
            recipient=f"{ERASED_NUMBER}-{row.pk}",
            subject=redact(row.subject)[0],
            text=redact(row.text)[0],
            html=redact(row.html)[0],
        )


def traces_erase(identity: Identity) -> dict:
    """Erase the person's traces outside their reports (inside the caller's
    transaction). Returns counts for the audit row."""
    if not identity:
        return {}
    _channels_erase(identity)
    raw_payloads = _raw_payloads_erase(identity)
    _deliveries_erase(identity)
    return {"audit_rows": _audit_redact(identity), "raw_payloads": raw_payloads}


def exports_erase(identity: Identity) -> int:
    """Desk exports on disk that hold the person: deleted (files are not
    transactional: called once the erasure has committed). A short name
    alone would match too many files; an export row carries the contact too."""
    needles = identity.needles(with_short_names=False)
    if not needles:
        return 0
    answers = reporter_erased.send(sender=Identity, needles=needles, redact=redactor(needles))
    return sum(removed for _receiver, removed in answers)
