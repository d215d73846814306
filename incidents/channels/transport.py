"""The WhatsApp transport of the outbound ledger (kitaaman/transports.py),
wrapping the Graph API client (incidents.channels.whatsapp.WhatsAppClient).

WhatsApp only allows free text within 24 hours of the resident's last
message; later news of a report goes out as the pre-approved template named
in WHATSAPP_STATUS_TEMPLATE, with the parameters stored on the row.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from incidents.channels.models import Contact
from incidents.channels.phone import whatsapp_id
from incidents.channels.whatsapp import WhatsAppClient, WhatsAppRefused, WhatsAppUnavailable
from incidents.models import Channel
from kitaaman.models import OutboundMessage
from kitaaman.transports import PermanentError, Sent, TransientError, Transport

WHATSAPP_WINDOW = timedelta(hours=24)


def window_open(number: str, now) -> bool:
    contact = Contact.objects.filter(channel=Channel.WHATSAPP, number=number).first()
    return bool(contact and contact.last_inbound_at and contact.last_inbound_at >= now - WHATSAPP_WINDOW)


class WhatsAppTransport(Transport):
    channel = "whatsapp"

    def send(self, message) -> Sent:
        to = whatsapp_id(message.recipient)
        try:
            client = WhatsAppClient()
            if message.kind != OutboundMessage.Kind.STATUS or window_open(message.recipient, timezone.now()):
                return Sent(provider_id=client.send_text(to=to, text=message.text))
            template = settings.WHATSAPP_STATUS_TEMPLATE
            if not template:
                raise PermanentError("the 24-hour window has closed and WHATSAPP_STATUS_TEMPLATE is not set")
            provider_id = client.send_template(
                to=to, name=template, language=settings.WHATSAPP_TEMPLATE_LANGUAGE, params=message.template_params
            )
        except WhatsAppUnavailable as exc:
            raise TransientError(str(exc)) from exc
        except WhatsAppRefused as exc:
            raise PermanentError(str(exc)) from exc
        return Sent(provider_id=provider_id, template=template)
