"""The one Celery app. It reads Django settings (CELERY_* names), so
`CELERY_TASK_ALWAYS_EAGER` really applies when no broker is configured, and
the broker's socket timeouts (settings) reach the connections that publish."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitaaman.settings")

app = Celery("kitaaman")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# autodiscover_tasks only imports `<app>.tasks`; these packages keep their
# tasks beside the services they wrap.
app.autodiscover_tasks(
    [
        "kitaaman",
        "spm.summaries",
        "spm.warnings",
        "incidents.workflow",
        "incidents.desk",
        "incidents.notify",
        "incidents.open311",
        "incidents.privacy",
    ]
)
