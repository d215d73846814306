"""The providers' webhooks. Thin: check the signature (401 and nothing
stored when it is wrong), read the payload, store each message through the
service, answer 200 once all are stored. What cannot be read is stored raw
and flagged for the desk, never refused: a refused delivery is retried whole
by the provider and fails the same way again. Processing happens later in a
task, so what a message says can never turn into an error for the provider."""

import logging

from django.db import DataError
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from incidents.channels import sms_android, whatsapp
from incidents.channels.cleaning import read_body
from incidents.channels.services import inbound_message_receive

logger = logging.getLogger(__name__)


def _refused():
    return JsonResponse({"detail": "invalid signature"}, status=401)


def _store(payloads) -> dict:
    """Store each message on its own: one that cannot be stored as read is
    stored raw and flagged, and never takes the others with it. Answers
    once every message of the delivery is stored."""
    stored = duplicates = unreadable = 0
    for payload in payloads:
        try:
            _message, created = inbound_message_receive(payload=payload)
        except (DataError, ValueError, TypeError, OverflowError) as exc:
            # Cleaned already, so this is a value the database still refuses
            # (a field too long for its column…): keep it raw for the desk. A
            # database that is down raises OperationalError: not caught, the
            # delivery is answered 503 and retried.
            logger.warning("channel webhook: message %s stored raw: %s", payload.provider_id, exc)
            payload = payload.as_unreadable(f"{type(exc).__name__}: {exc}")
            _message, created = inbound_message_receive(payload=payload)
        if payload.unreadable:
            unreadable += created
        stored += created
        duplicates += not created
    if unreadable:
        logger.warning("channel webhook: %s unreadable message(s) stored for the desk", unreadable)
    return {"stored": stored, "duplicates": duplicates, "unreadable": unreadable}


@csrf_exempt
@require_POST
def sms_android_webhook(request):
    if not sms_android.signature_ok(
        body=request.body,
        timestamp=request.headers.get("X-Timestamp", ""),
        signature=request.headers.get("X-Signature", ""),
    ):
        return _refused()
    event, why = read_body(request.body)
    payload = sms_android.unreadable(event, why) if why else sms_android.parse_event(event)
    if payload is None:
        return JsonResponse({"status": "ignored"})
    counts = _store([payload])
    return JsonResponse({"status": "stored" if counts["stored"] else "duplicate", **counts})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    if request.method == "GET":
        challenge = whatsapp.verify_handshake(request.GET)
        if challenge is None:
            return HttpResponseForbidden("verification failed", content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    if not whatsapp.signature_ok(body=request.body, header=request.headers.get("X-Hub-Signature-256", "")):
        return _refused()
    body, why = read_body(request.body)
    counts = _store([whatsapp.unreadable(body, why)] if why else whatsapp.parse_webhook(body))
    return JsonResponse({"status": "ok", **counts})
