"""Create or update a staff account with one role.

    python manage.py create_staff_user USERNAME --role petugas --kecamatan KODE_KECAMATAN [--kecamatan ...]
    python manage.py create_staff_user USERNAME --role mitra --agency bpbd
    python manage.py create_staff_user USERNAME --role koordinator --password '...'

Without --password the password is asked twice (not echoed). Passwords go
through Django's password validators.
"""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from incidents.roles import ADMIN, ROLES
from incidents.staff.services import staff_user_create

ROLE_CHOICES = [*ROLES, ADMIN]


class Command(BaseCommand):
    help = _("Membuat atau memperbarui akun petugas dengan satu peran.")

    def add_arguments(self, parser):
        parser.add_argument("username", help=_("Nama pengguna."))
        parser.add_argument("--role", required=True, help=_("Peran: %(roles)s.") % {"roles": ", ".join(ROLE_CHOICES)})
        parser.add_argument(
            "--kecamatan",
            action="append",
            default=[],
            metavar="KODE",
            help=_("Kode Kemendagri kecamatan tugas (untuk petugas; boleh diulang)."),
        )
        parser.add_argument("--agency", default=None, metavar="KODE", help=_("Kode instansi (untuk mitra)."))
        parser.add_argument("--password", default=None, help=_("Kata sandi (tanpa ini akan ditanyakan)."))
        parser.add_argument("--email", default="", help=_("Alamat e-mail."))
        parser.add_argument("--first-name", default="", help=_("Nama depan."))
        parser.add_argument("--last-name", default="", help=_("Nama belakang."))
        parser.add_argument(
            "--no-password",
            action="store_true",
            help=_("Jangan tetapkan kata sandi (akun baru tidak dapat masuk sampai kata sandi diatur)."),
        )

    def handle(self, *args, **options):
        username = (options["username"] or "").strip()
        if not username:
            raise CommandError(_("Nama pengguna wajib diisi."))
        role = options["role"]
        if role not in ROLE_CHOICES:
            raise CommandError(
                _("Peran tidak dikenal: %(role)s. Pilih salah satu: %(roles)s.")
                % {"role": role, "roles": ", ".join(ROLE_CHOICES)}
            )
        codes = []
        for value in options["kecamatan"]:
            codes.extend(c.strip() for c in value.split(",") if c.strip())
        password = options["password"]
        if password is None and not options["no_password"]:
            password = self._ask_password()
        if password:
            User = get_user_model()
            probe = User.objects.filter(username=username).first() or User(
                username=username,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
            try:
                validate_password(password, user=probe)
            except ValidationError as exc:
                raise CommandError(_("Kata sandi ditolak: %(reasons)s") % {"reasons": " ".join(exc.messages)})
        try:
            user = staff_user_create(
                username=username,
                role=role,
                password=password or None,
                kecamatan_codes=codes,
                agency_code=options["agency"],
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as exc:
            messages = []
            for field_messages in exc.message_dict.values():
                messages.extend(field_messages)
            raise CommandError(" ".join(messages))
        self.stdout.write(
            self.style.SUCCESS(_("Akun %(username)s (%(role)s) tersimpan.") % {"username": user.username, "role": role})
        )

    def _ask_password(self) -> str:
        try:
            first = getpass.getpass(_("Kata sandi: "))
            second = getpass.getpass(_("Ulangi kata sandi: "))
        except (EOFError, KeyboardInterrupt):
            raise CommandError(_("Dibatalkan."))
        if first != second:
            raise CommandError(_("Kedua kata sandi tidak sama."))
        if not first:
            raise CommandError(_("Kata sandi tidak boleh kosong."))
        return first
