"""python manage.py deploy_check

Reads the configuration this installation runs with and says, in Indonesian,
what is wrong (kitaaman/deploy_check.py): DEBUG, SECRET_KEY, SITE_URL against
ALLOWED_HOSTS, NUM_PROXIES against the X-Forwarded-* headers a request through
SITE_URL brings, Redis maxmemory-policy, collected static files, exactly one
Celery beat. Run it on the server as the portal's user, with its environment
(see deploy/README.md). Exits with status 1 when anything is GALAT.
"""

from django.core.management.base import BaseCommand, CommandError

from kitaaman.deploy_check import ERROR, OK, run_checks


class Command(BaseCommand):
    help = "Periksa konfigurasi instalasi yang berjalan (proxy, SITE_URL, Redis, berkas statis, beat)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--tanpa-situs",
            action="store_true",
            dest="no_site",
            help="Jangan membuka SITE_URL/livez (NUM_PROXIES tidak diperiksa).",
        )

    def handle(self, *args, no_site=False, **options):
        findings = run_checks(site=not no_site)
        for finding in findings:
            line = f"{finding.level:<10} {finding.topic}: {finding.message}"
            if finding.level == OK:
                self.stdout.write(self.style.SUCCESS(line))
            elif finding.level == ERROR:
                self.stdout.write(self.style.ERROR(line))
            else:
                self.stdout.write(self.style.WARNING(line))
        errors = sum(1 for finding in findings if finding.level == ERROR)
        if errors:
            raise CommandError(f"{errors} masalah harus dibereskan.")
        self.stdout.write("Tidak ada masalah.")
