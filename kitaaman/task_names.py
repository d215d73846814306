"""Celery task names are "<module>.<function>" of where the task lives.

A task that moves or is renamed keeps its old name as an alias: a task
registered under the old name that runs the same function, so messages
already queued in a running installation (in the broker, or pending in the
outbox) under the old name still run. ALIASES maps each old name to the
name now in use (tests check both sides).
"""

from celery import shared_task

ALIASES: dict[str, str] = {}


def task(*, name: str, old_names: tuple[str, ...] = (), **options):
    """shared_task(name=name, **options), also registered under each old name."""

    def decorate(fun):
        for old in old_names:
            ALIASES[old] = name
            shared_task(name=old, **options)(fun)
        return shared_task(name=name, **options)(fun)

    return decorate
