from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "incidents.channels"
    label = "channels"
    verbose_name = _("Laporan lewat SMS dan WhatsApp")

    def ready(self):
        # The outbox relay looks tasks up by name: register them in every process.
        from incidents.channels import tasks  # noqa: F401
        from incidents.channels.transport import WhatsAppTransport
        from kitaaman.transports import transport_register

        # Answers on WhatsApp leave through the outbound ledger like every message.
        transport_register(WhatsAppTransport)
