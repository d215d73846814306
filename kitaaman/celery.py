"""The one Celery app. It reads Django settings (CELERY_* names), so
`CELERY_TASK_ALWAYS_EAGER` really applies when no broker is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitaaman.settings")

app = Celery("kitaaman")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["kitaaman", "spm.summaries"])
