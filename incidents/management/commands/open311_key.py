"""Issue or revoke the Open311 api_key of a partner application.

    python manage.py open311_key create NAME    # registers NAME if new; the key is the last line
    python manage.py open311_key revoke NAME    # revokes every active key of NAME

The key is shown only here; the portal keeps its SHA-256 digest.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from incidents.open311.services import open311_key_create, open311_key_revoke


class Command(BaseCommand):
    help = _("Membuat atau mencabut kunci API Open311 aplikasi mitra.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"], help=_("create atau revoke."))
        parser.add_argument("name", help=_("Nama aplikasi mitra."))

    def handle(self, *args, **options):
        try:
            if options["action"] == "create":
                key, raw = open311_key_create(application_name=options["name"])
                self.stdout.write(
                    _("Kunci baru untuk %(name)s (awalan %(prefix)s). Simpan sekarang; kunci tidak ditampilkan lagi:")
                    % {"name": key.application.name, "prefix": key.prefix}
                )
                self.stdout.write(raw)
            else:
                count = open311_key_revoke(application_name=options["name"])
                self.stdout.write(_("%(n)s kunci %(name)s dicabut.") % {"n": count, "name": options["name"].strip()})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
