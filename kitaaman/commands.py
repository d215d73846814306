"""What the management commands share."""

from pathlib import Path

from django.core.management.base import CommandError

from kitaaman.backup import BackupError


def backup_run(step, *args, **kwargs) -> dict:
    """The manifest of a backup or restore `step`; a BackupError ends the command with its message."""
    try:
        return step(*args, **kwargs)
    except BackupError as exc:
        raise CommandError(str(exc))


def input_file_text(name: str, *, encoding: str = "utf-8") -> str:
    """The text of the file an import command was given; the command ends when there is no such file."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"Berkas tidak ditemukan: {path}")
    return path.read_text(encoding=encoding)
