"""The intake: one command that every channel calls to turn a submission into a report."""

import math
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.intake.photos import clean_photo
from incidents.intake.tracking import new_tracking_code
from incidents.models import (
    Category,
    Channel,
    Desa,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentPhoto,
    Kecamatan,
    Priority,
    Status,
)
from incidents.reference import geo
from incidents.workflow import sla

MAX_DESCRIPTION = 5000


def _actor_label(user):
    if user is None or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


def validate_details(category: Category, raw) -> dict:
    """Check the category's extra questions; returns the cleaned answers."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError({"details": [_("Keterangan tambahan harus berupa objek.")]})
    cleaned, errors = {}, {}
    for q in category.questions:
        code, qtype = q["code"], q.get("type", "text")
        value = raw.get(code)
        if value in (None, "") or (qtype == "boolean" and value is None):
            if q.get("required") and not (qtype == "boolean" and value is False):
                errors[code] = [_("%(label)s wajib diisi.") % {"label": q["label"]}]
            continue
        if qtype == "integer":
            try:
                if isinstance(value, bool):
                    raise ValueError
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError
                number = int(str(value).strip())
            except (TypeError, ValueError):
                errors[code] = [_("%(label)s harus berupa bilangan bulat.") % {"label": q["label"]}]
                continue
            if number < q.get("min", 0) or number > q.get("max", 10**7):
                errors[code] = [_("%(label)s di luar batas yang wajar.") % {"label": q["label"]}]
                continue
            cleaned[code] = number
        elif qtype == "boolean":
            if isinstance(value, bool):
                cleaned[code] = value
            elif str(value).lower() in ("true", "1", "ya", "on", "yes"):
                cleaned[code] = True
            elif str(value).lower() in ("false", "0", "tidak", "off", "no"):
                cleaned[code] = False
            else:
                errors[code] = [_("%(label)s harus ya atau tidak.") % {"label": q["label"]}]
        elif qtype == "choice":
            allowed = {c[0] for c in q.get("choices", [])}
            if str(value) not in allowed:
                errors[code] = [_("Pilihan untuk %(label)s tidak dikenal.") % {"label": q["label"]}]
                continue
            cleaned[code] = str(value)
        else:
            text = str(value).strip()
            if len(text) > 1000:
                errors[code] = [_("%(label)s terlalu panjang (maksimal 1.000 karakter).") % {"label": q["label"]}]
                continue
            cleaned[code] = text
    if errors:
        raise ValidationError(
            {"details": [_("Periksa kembali keterangan tambahan.")], **{f"details.{k}": v for k, v in errors.items()}}
        )
    return cleaned


def resolve_location(*, desa_code=None, kecamatan_code=None, lat=None, lng=None):
    """Returns (desa, lat, lng). The point wins when given; a desa chosen from
    the list must agree with the chosen kecamatan."""
    errors = {}
    if (lat is None) != (lng is None):
        raise ValidationError({"lat": [_("Lintang dan bujur harus diisi bersamaan.")]})
    if lat is not None:
        try:
            lat, lng = float(lat), float(lng)
            if math.isnan(lat) or math.isnan(lng) or math.isinf(lat) or math.isinf(lng):
                raise ValueError
        except (TypeError, ValueError):
            raise ValidationError({"lat": [_("Koordinat tidak valid.")]})
    desa = None
    if desa_code:
        desa = Desa.objects.select_related("kecamatan").filter(code=str(desa_code)).first()
        if desa is None:
            errors["desa"] = [_("Desa/kelurahan tidak dikenal.")]
        elif kecamatan_code and desa.kecamatan_id != str(kecamatan_code):
            errors["desa"] = [_("Desa/kelurahan yang dipilih tidak berada di kecamatan tersebut.")]
    if kecamatan_code and not Kecamatan.objects.filter(code=str(kecamatan_code)).exists():
        errors["kecamatan"] = [_("Kecamatan tidak dikenal.")]
    if errors:
        raise ValidationError(errors)
    if lat is not None:
        try:
            point_code = geo.desa_code_for_point(lat, lng)
        except geo.OutsideKabupaten:
            raise ValidationError({"lat": [_("Titik lokasi berada di luar Kabupaten Musi Rawas Utara.")]})
        if desa is None:
            desa = Desa.objects.select_related("kecamatan").get(code=point_code)
    if desa is None:
        raise ValidationError({"desa": [_("Pilih desa/kelurahan atau tandai lokasi di peta.")]})
    return desa, lat, lng


@transaction.atomic
def incident_create(
    *,
    category: Category,
    description: str,
    desa_code: str | None = None,
    kecamatan_code: str | None = None,
    lat=None,
    lng=None,
    title: str = "",
    occurred_at: datetime | None = None,
    reported_at: datetime | None = None,
    location_detail: str = "",
    details: dict | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    consent: bool = False,
    photos=(),
    client_uuid=None,
    channel: str = Channel.WEB,
    created_by=None,
) -> tuple[Incident, bool]:
    """Create a report. Returns (incident, created); a repeated client_uuid
    returns the existing report and creates nothing."""
    if client_uuid:
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False

    now = timezone.now()
    errors = {}
    if not consent:
        errors["consent"] = [_("Persetujuan pemrosesan data pribadi wajib diberikan.")]
    if category is None or not category.active:
        errors["category"] = [_("Kategori tidak dikenal.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Uraian kejadian wajib diisi.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Uraian kejadian terlalu panjang (maksimal 5.000 karakter).")]
    if occurred_at and occurred_at > now + timezone.timedelta(minutes=5):
        errors["occurred_at"] = [_("Waktu kejadian tidak boleh di masa depan.")]
    if reported_at and reported_at > now + timezone.timedelta(minutes=5):
        errors["reported_at"] = [_("Waktu laporan tidak boleh di masa depan.")]
    if len(photos) > settings.MAX_PHOTOS:
        errors["photos"] = [_("Paling banyak %(n)s foto.") % {"n": settings.MAX_PHOTOS}]
    try:
        desa, lat, lng = resolve_location(desa_code=desa_code, kecamatan_code=kecamatan_code, lat=lat, lng=lng)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned_details = {}
    if category is not None and category.active:
        try:
            cleaned_details = validate_details(category, details)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    clean_photos = []
    if not errors.get("photos"):
        photo_errors = []
        for upload in photos:
            try:
                clean_photos.append(clean_photo(upload))
            except ValidationError as exc:
                photo_errors.extend(exc.messages)
        if photo_errors:
            errors["photos"] = photo_errors
    if errors:
        raise ValidationError(errors)

    priority = category.default_priority
    if cleaned_details.get("ada_kekerasan") or (cleaned_details.get("meninggal") or 0) > 0:
        priority = max(priority, Priority.DARURAT if cleaned_details.get("ada_kekerasan") else Priority.TINGGI)

    incident = Incident(
        category=category,
        title=(title or "").strip()[:200],
        description=description,
        details=cleaned_details,
        occurred_at=occurred_at,
        reported_at=reported_at or now,
        created_at=now,
        kecamatan_id=desa.kecamatan_id,
        desa=desa,
        lat=lat,
        lng=lng,
        location_detail=(location_detail or "").strip()[:200],
        reporter_name=(reporter_name or "").strip()[:120],
        reporter_phone=(reporter_phone or "").strip()[:30],
        reporter_email=(reporter_email or "").strip(),
        anonymous=bool(anonymous),
        confidential=bool(confidential),
        consent_at=now,
        channel=channel,
        created_by=created_by if created_by is not None and created_by.is_authenticated else None,
        client_uuid=client_uuid,
        priority=priority,
        status=Status.BARU,
    )
    incident.verify_due_at = sla.verify_deadline(incident, incident.reported_at)
    incident.due_at = incident.verify_due_at
    for attempt in range(5):
        incident.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                incident.save(force_insert=True)
            break
        except IntegrityError:
            if client_uuid and Incident.objects.filter(client_uuid=client_uuid).exists():
                return Incident.objects.get(client_uuid=client_uuid), False
            if attempt == 4:
                raise
            incident.pk = None
    for photo in clean_photos:
        IncidentPhoto.objects.create(
            incident=incident,
            image=photo.image,
            thumbnail=photo.thumbnail,
            content_type=photo.content_type,
            size=photo.size,
        )
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.CREATED,
        actor=incident.created_by,
        actor_label=_actor_label(created_by),
        to_status=Status.BARU,
        note=_("Laporan diterima melalui %(channel)s.") % {"channel": Channel(channel).label},
        public=True,
        created_at=now,
    )
    _after_create(incident)
    return incident, True


def _after_create(incident: Incident) -> None:
    """Aggregates and notifications, inside this same transaction."""
    from incidents.hooks import incident_changed
    from incidents.notify.messages import notify_incident_created

    incident_changed(incident, None)
    notify_incident_created(incident)
