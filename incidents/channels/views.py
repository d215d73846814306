"""The providers' webhooks. Thin: check the signature (401 and nothing
stored when it is wrong), read the payload, store through the service,
answer. Processing happens later in a task, so what a message says can
never turn into an error for the provider."""

import json
import logging

from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from incidents.channels import sms_android, whatsapp
from incidents.channels.services import inbound_message_receive

logger = logging.getLogger(__name__)


def _refused():
    return JsonResponse({"detail": "invalid signature"}, status=401)


def _unreadable(exc):
    logger.warning("channel webhook: unreadable payload: %s", exc)
    return JsonResponse({"detail": "unreadable payload"}, status=400)


@csrf_exempt
@require_POST
def sms_android_webhook(request):
    if not sms_android.signature_ok(
        body=request.body,
        timestamp=request.headers.get("X-Timestamp", ""),
        signature=request.headers.get("X-Signature", ""),
    ):
        return _refused()
    try:
        payload = sms_android.parse_event(json.loads(request.body))
    except (ValueError, sms_android.BadPayload) as exc:
        return _unreadable(exc)
    if payload is None:
        return JsonResponse({"status": "ignored"})
    _message, created = inbound_message_receive(payload=payload)
    return JsonResponse({"status": "stored" if created else "duplicate"})


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
    try:
        payloads = whatsapp.parse_webhook(json.loads(request.body))
    except (ValueError, whatsapp.BadPayload) as exc:
        return _unreadable(exc)
    stored = sum(1 for payload in payloads if inbound_message_receive(payload=payload)[1])
    return JsonResponse({"status": "ok", "stored": stored})
