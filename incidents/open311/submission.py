"""A POST requests body (form-encoded, as the specification says) turned into
a typed submission, or an Open311Error listing what is wrong."""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from incidents.models import Category
from incidents.report_content import MAX_DESCRIPTION

from .render import Open311Error
from .selectors import service_get

MAX_FIELD = 200


@dataclass
class Open311Submission:
    category: Category
    description: str = ""
    lat: str | None = None
    long: str | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict = field(default_factory=dict)
    # Everything that identifies the submission, for the idempotency key.
    fingerprint: tuple = ()

    @property
    def reporter_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def idempotency_key(self, application_id: int, bucket: int) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"open311:{application_id}:{bucket}:{self.fingerprint!r}")


def _attribute_code(name: str) -> tuple[str, bool] | None:
    """attribute[code] -> (code, False); attribute[code][] -> (code, True)."""
    if not name.startswith("attribute[") or "]" not in name:
        return None
    code, _sep, rest = name[len("attribute[") :].partition("]")
    if rest not in ("", "[]") or not code:
        return None
    return code, rest == "[]"


def parse_submission(params: dict[str, list[str]]) -> Open311Submission:
    """`params` maps each form name to its values (QueryDict.lists())."""
    errors = []
    for name, values in params.items():
        if "\x00" in name or any("\x00" in v for v in values):
            raise Open311Error(400, _("%(name)s: berisi karakter yang tidak diizinkan.") % {"name": name[:40]})

    def one(name: str, limit: int = MAX_FIELD) -> str:
        values = params.get(name) or [""]
        value = values[-1].strip()
        if len(value) > limit:
            errors.append(_("%(name)s: terlalu panjang (maksimal %(n)s karakter).") % {"name": name, "n": limit})
            return ""
        return value

    code = one("service_code", 40)
    category = service_get(code) if code else None
    if not code:
        errors.append(_("service_code: wajib diisi."))
    elif category is None:
        errors.append(_("service_code: layanan %(code)s tidak dikenal.") % {"code": code})
    lat, lng = one("lat", 40), one("long", 40)
    address_string, address_id = one("address_string"), one("address_id", 40)
    if not (lat or lng or address_string or address_id):
        errors.append(_("lat/long: isi lintang dan bujur, atau address_string (nama atau kode desa/kelurahan)."))
    elif bool(lat) != bool(lng):
        errors.append(_("lat/long: lintang dan bujur harus diisi bersamaan."))
    email = one("email", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("email: alamat e-mail tidak valid."))
    media_url = one("media_url", 2000)
    if media_url and not media_url.lower().startswith(("http://", "https://")):
        errors.append(_("media_url: harus berupa alamat http atau https."))
    attributes = {}
    for name, values in params.items():
        parsed = _attribute_code(name)
        if parsed is None:
            continue
        attr_code, many = parsed
        cleaned = [v.strip() for v in values]
        if any(len(v) > 1000 for v in cleaned):
            errors.append(_("attribute[%(code)s]: terlalu panjang.") % {"code": attr_code[:40]})
            continue
        attributes[attr_code[:100]] = cleaned if many else cleaned[-1]
    submission = Open311Submission(
        category=category,
        description=one("description", MAX_DESCRIPTION),
        lat=lat or None,
        long=lng or None,
        address_string=address_string,
        address_id=address_id,
        email=email,
        first_name=one("first_name", 60),
        last_name=one("last_name", 60),
        phone=one("phone", 30),
        device_id=one("device_id"),
        account_id=one("account_id"),
        media_url=media_url,
        attributes=attributes,
        fingerprint=tuple(sorted((k, tuple(v)) for k, v in params.items() if k not in ("api_key", "jurisdiction_id"))),
    )
    if errors:
        raise Open311Error(400, errors)
    return submission
