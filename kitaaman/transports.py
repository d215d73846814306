"""How a message leaves the portal, one class per channel (the shape of
healthchecks' hc/api/transports.py).

A transport's `send(message)` hands one OutboundMessage row to its provider
and returns what the provider said (`Sent`). It raises `TransientError`
when the provider may accept the message later (the row goes back to
pending and the task retries) and `PermanentError` when it never will (the
row fails at once). The provider clients stay where they are (Django's
e-mail backends, kitaaman.sms backends, incidents.channels.whatsapp); a
transport only wraps them and sorts their errors.

TRANSPORTS maps each channel to its class; an app that brings a channel
(WhatsApp, incidents.channels) registers its transport when it is ready
(transport_register), so kitaaman imports none of the apps it serves.
"""

import smtplib
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives

from . import region
from .sms import send_sms


class TransportError(Exception):
    pass


class TransientError(TransportError):
    """The provider may accept the message later: retry."""


class PermanentError(TransportError):
    """The provider refused the message (bad address, bad token): do not retry."""


@dataclass
class Sent:
    provider_id: str = ""
    # The WhatsApp template the message went out as, when it did.
    template: str = ""


def is_transient(exc: BaseException) -> bool:
    """Whether an error a provider raised may pass (for errors a transport did not sort itself)."""
    if isinstance(exc, TransportError):
        return isinstance(exc, TransientError)
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPException | OSError | TimeoutError | ConnectionError)


class Transport:
    """One channel's way out. Subclasses name their `channel` and implement
    `send`, raising TransientError (retry later) or PermanentError."""

    channel = ""

    def send(self, message) -> Sent:  # pragma: no cover - the interface every transport implements
        raise NotImplementedError(f"{type(self).__name__} does not implement send()")


class EmailTransport(Transport):
    """Django's e-mail (EMAIL_BACKEND): text, optional HTML, attachments read from storage."""

    channel = "email"

    def send(self, message) -> Sent:
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=region.default_from_email(),
            to=[message.recipient],
        )
        if message.html:
            mail.attach_alternative(message.html, "text/html")
        for item in message.attachments or []:
            try:
                with default_storage.open(item["path"], "rb") as handle:
                    content = handle.read()
            except FileNotFoundError as exc:
                # Replaced since (a summary's later revision): this mail is superseded.
                raise PermanentError(f"attachment {item['path']} is gone") from exc
            mail.attach(item["name"], content, item.get("mimetype") or "application/octet-stream")
        try:
            mail.send(fail_silently=False)
        except Exception as exc:
            raise (TransientError if is_transient(exc) else PermanentError)(f"{type(exc).__name__}: {exc}") from exc
        return Sent()


class SmsTransport(Transport):
    """The SMS_BACKEND (console, locmem, SMS Gateway for Android)."""

    channel = "sms"

    def send(self, message) -> Sent:
        try:
            provider_id = send_sms(to=message.recipient, text=message.text)
        except Exception as exc:
            raise (TransientError if is_transient(exc) else PermanentError)(f"{type(exc).__name__}: {exc}") from exc
        return Sent(provider_id=str(provider_id or ""))


TRANSPORTS: dict[str, type[Transport]] = {EmailTransport.channel: EmailTransport, SmsTransport.channel: SmsTransport}


def transport_register(cls: type[Transport]) -> None:
    TRANSPORTS[cls.channel] = cls


def transport_for(channel: str) -> Transport:
    try:
        return TRANSPORTS[channel]()
    except KeyError:
        raise PermanentError(f"no transport for channel {channel!r}")
