"""The desk's part of an erasure: export files on disk that hold the person."""

from django.dispatch import receiver

from incidents.desk.export import exports_purge
from incidents.signals import reporter_erased


@receiver(reporter_erased, dispatch_uid="desk-exports-purge")
def exports_of_erased_reporter_purge(sender, *, needles, redact, **kwargs) -> int:
    return exports_purge(needles, redact=redact)
