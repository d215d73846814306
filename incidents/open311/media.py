"""The photo a partner app points to with `media_url`.

The portal makes this request on a stranger's behalf, so it is checked twice
and never made while the partner waits:
- at the POST, without the network (`media_url_check`): http or https, no
  credentials, not a literal internal address in any spelling (decimal,
  octal, the IPv6 forms that embed an IPv4 address);
- by the Celery worker (`media_attach`, queued through the outbox with the
  report), through kitaaman.outbound_http: the host's addresses must be public
  (loopback, private, link-local and reserved ranges refused; a key holder must
  not reach services behind the firewall) unless OPEN311_MEDIA_ALLOW_PRIVATE is
  set (tests, an intranet deployment); the connection goes to the address that
  was checked; at most OPEN311_MEDIA_MAX_REDIRECTS redirects, each checked
  again; the body is cut at MAX_PHOTO_BYTES; the whole fetch finishes within
  OPEN311_MEDIA_TIMEOUT seconds. The bytes then go through the same photo
  checks as an upload (incidents.intake.photos.clean_photo).

A media_url that cannot be had leaves the report without the photo and an
audit row (open311.media_refused) saying why.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from incidents import audit
from incidents.intake.media import files_remove, photos_store
from incidents.intake.photos import clean_photo
from incidents.models import Incident, IncidentPhoto
from kitaaman import outbound_http
from kitaaman.outbound_http import OutboundError, TooLarge

logger = logging.getLogger(__name__)

MEDIA_REFUSED = "open311.media_refused"
ATTACH_TASK = "incidents.open311.tasks.attach_media"


class MediaUnavailable(Exception):
    """The partner's host could not be reached: try again later."""


def _refuse(message=None) -> ValidationError:
    return ValidationError(message or _("Berkas tidak dapat diambil."), code="media")


def media_url_check(url: str) -> None:
    """What can be told of a media_url without fetching it; ValidationError."""
    try:
        outbound_http.url_check_unless_trusted(
            (url or "").strip(), allow_hosts=frozenset(), allow_private=settings.OPEN311_MEDIA_ALLOW_PRIVATE
        )
    except OutboundError as exc:
        raise _refuse(str(exc))


def fetch_media(url: str) -> SimpleUploadedFile:
    """The resource at `url` as an upload for the intake. ValidationError when
    it cannot be had; MediaUnavailable when its host cannot be reached now."""
    url = (url or "").strip()
    limit = settings.MAX_PHOTO_BYTES
    timeout = float(settings.OPEN311_MEDIA_TIMEOUT)
    try:
        answer = outbound_http.request(
            "GET",
            url,
            headers={"User-Agent": "KITA-AMAN-Open311/1.0", "Accept": "image/*"},
            max_bytes=limit,
            timeout=timeout,
            deadline=timeout,
            redirects=int(settings.OPEN311_MEDIA_MAX_REDIRECTS),
            allow_private=settings.OPEN311_MEDIA_ALLOW_PRIVATE,
        )
    except TooLarge:
        raise _refuse(_("Foto terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
    except outbound_http.Unreachable as exc:
        raise MediaUnavailable(str(exc))
    except OutboundError as exc:
        raise _refuse(str(exc))
    if answer.status in outbound_http.REDIRECT_STATUSES:
        raise _refuse(_("Terlalu banyak pengalihan (redirect)."))
    if answer.status != 200:
        raise _refuse(_("Server menjawab dengan status HTTP %(status)s.") % {"status": answer.status})
    if not answer.body:
        raise _refuse(_("Berkas kosong."))
    return SimpleUploadedFile("media", answer.body, content_type="application/octet-stream")


def media_attach(*, incident_id: int, url: str, final_attempt: bool = False) -> str:
    """Fetch the photo of an Open311 report and attach it. Returns "attached",
    "refused" (audited), "done" (a photo is already there: a second run) or
    "gone" (the report no longer exists). Raises MediaUnavailable to be retried,
    unless this is the final attempt (then it is refused)."""
    if not Incident.objects.filter(pk=incident_id).exists():
        return "gone"
    if IncidentPhoto.objects.filter(incident_id=incident_id).exists():
        return "done"
    with translation.override(settings.LANGUAGE_CODE):
        try:
            try:
                photo = clean_photo(fetch_media(url))
            except MediaUnavailable as exc:
                if not final_attempt:
                    raise
                raise _refuse(str(exc))
        except ValidationError as exc:
            reason = " ".join(exc.messages)[:300]
            logger.info("Open311 media of incident %s refused: %s", incident_id, reason)
            audit.record(MEDIA_REFUSED, incident=Incident.objects.get(pk=incident_id), data={"reason": reason})
            return "refused"
    written: list[str] = []
    try:
        with transaction.atomic():
            incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
            if incident is None:
                return "gone"
            if IncidentPhoto.objects.filter(incident=incident).exists():
                return "done"
            photos_store(incident, [photo], written)
    except BaseException:
        files_remove(written)
        raise
    return "attached"
