from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "spm.warnings"
    label = "warnings"
    verbose_name = _("Peringatan dini bencana")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from incidents.signals import warnings_sms_subscribe, warnings_sms_unsubscribe

        from .models import Alert, ExternalAlert, ExternalFeed
        from .selectors import banner_changed
        from .subscriptions import subscriber_sms_subscribe, subscriber_sms_unsubscribe

        warnings_sms_subscribe.connect(subscriber_sms_subscribe, dispatch_uid="warnings-sms-subscribe")
        warnings_sms_unsubscribe.connect(subscriber_sms_unsubscribe, dispatch_uid="warnings-sms-unsubscribe")

        for model in (Alert, ExternalAlert, ExternalFeed):
            post_save.connect(banner_changed, sender=model, dispatch_uid=f"warnings-banner-{model.__name__}-save")
            post_delete.connect(banner_changed, sender=model, dispatch_uid=f"warnings-banner-{model.__name__}-delete")
