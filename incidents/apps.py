from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Laporan dan penanganan")

    def ready(self):
        # Sign-in, sign-out and lockout receivers of the audit trail, and the
        # task modules: the outbox relay looks tasks up by name, so they must
        # be registered in every process, not only in a worker that autodiscovers.
        from incidents import audit  # noqa: F401
        from incidents.desk import erasure as desk_erasure  # noqa: F401  (export files of an erased reporter)
        from incidents.desk import tasks as desk_tasks  # noqa: F401
        from incidents.notify import tasks as notify_tasks  # noqa: F401
        from incidents.privacy import tasks as privacy_tasks  # noqa: F401
        from incidents.public import cache as public_cache  # noqa: F401  (admin edits renew the public lists)
        from incidents.workflow import tasks as workflow_tasks  # noqa: F401
