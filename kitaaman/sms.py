"""SMS sending as an interface; the console backend prints, a gateway plugs in
by setting SMS_BACKEND to a class with the same `send` method."""

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> str | None:
        """Send one SMS; may return the gateway's message id."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, *, to, text):
        sys.stdout.write(f"[SMS ke {to}] {text}\n")


class LocmemSmsBackend(BaseSmsBackend):
    outbox: list = []

    def send(self, *, to, text):
        self.outbox.append({"to": to, "text": text})


def send_sms(*, to: str, text: str) -> str | None:
    return import_string(settings.SMS_BACKEND)().send(to=to, text=text)
