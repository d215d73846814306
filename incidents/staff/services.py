"""Staff accounts: created with their role, kecamatan and agency in one step."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incidents import audit, permissions
from incidents.models import Agency, Kecamatan, StaffProfile
from incidents.roles import ADMIN, PETUGAS, ROLES


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    kecamatan_codes: list[str] | tuple[str, ...] = (),
    agency_code: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
):
    """Create (or update) a staff account with one role.

    petugas need at least one kecamatan, mitra need an agency."""

    if role not in ROLES and role != ADMIN:
        raise ValidationError({"role": [_("Peran tidak dikenal: %(role)s.") % {"role": role}]})
    if role == PETUGAS and not kecamatan_codes:
        raise ValidationError({"kecamatan": [_("Petugas harus ditugaskan ke minimal satu kecamatan.")]})
    agency = None
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            raise ValidationError({"agency": [_("Instansi tidak dikenal: %(code)s.") % {"code": agency_code}]})
    if role == "mitra" and agency is None:
        raise ValidationError({"agency": [_("Pengguna mitra harus terhubung ke instansi.")]})
    kecamatan = list(Kecamatan.objects.filter(code__in=kecamatan_codes))
    if len(kecamatan) != len(set(kecamatan_codes)):
        raise ValidationError({"kecamatan": [_("Kode kecamatan tidak dikenal.")]})

    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    user.email = email or user.email
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    user.is_staff = role == "admin"
    user.is_superuser = role == "admin"
    if password:
        user.set_password(password)
    elif _created:
        user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get(name=role)] if role != "admin" else [])
    profile = StaffProfile.objects.get_or_create(user=user)[0]
    profile.agency = agency
    profile.save()
    profile.kecamatan.set(kecamatan)
    return user


def api_token_check(user, *, request=None) -> None:
    """Only desk roles get an API token; a refusal is audited."""
    if not permissions.is_desk_user(user):
        audit.record("auth.token_refused", user=user, request=request)
        raise PermissionDenied(_("Akun ini tidak memiliki peran petugas."))
