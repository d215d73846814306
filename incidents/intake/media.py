"""Writing a report's photos to the media store, all or nothing.

Files are written under names chosen before writing, and every name is
remembered before its write starts: when the disk fills or the store cannot
be written half-way through (or the database transaction fails after the
files were written), each file of this report, a partly written one too, is
removed again, and the caller gets StorageUnavailable instead of a 500.
"""

import logging

from django.core.files.storage import default_storage

from incidents.exceptions import StorageUnavailable
from incidents.models import IncidentPhoto, photo_upload_to

logger = logging.getLogger(__name__)


def _write(content, written: list[str]) -> str:
    name = default_storage.generate_filename(photo_upload_to(None, content.name or "foto.jpg"))
    written.append(name)
    saved = default_storage.save(name, content)
    if saved != name:
        written.append(saved)
    return saved


def photos_store(incident, clean_photos, written: list[str]) -> None:
    """Write the files and their rows; StorageUnavailable when the store fails."""
    for photo in clean_photos:
        try:
            image = _write(photo.image, written)
            thumbnail = _write(photo.thumbnail, written)
        except OSError as exc:
            logger.error("media store refused photo of %s: %s", incident.tracking_code, exc)
            raise StorageUnavailable(exc) from exc
        IncidentPhoto.objects.create(
            incident=incident,
            image=image,
            thumbnail=thumbnail,
            content_type=photo.content_type,
            size=photo.size,
        )


def files_remove(names: list[str]) -> None:
    """Remove what was written for a report that was not saved."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:  # the store is failing; the file is an orphan to clean by hand
            logger.error("could not remove %s after a failed report: %s", name, exc)
