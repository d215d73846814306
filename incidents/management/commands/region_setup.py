"""Set up the portal for one kabupaten/kota:

python manage.py region_setup --code 16.73 --wilayah ../shared/data/wilayah [--short-name Lubuklinggau] [--domain ...]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents.reference.region_setup import SetupError, apply, read_territory


class Command(BaseCommand):
    help = (
        "Jadikan portal milik satu kabupaten/kota: profil daerah, kecamatan, desa/kelurahan, dan batas wilayah "
        "dari folder data wilayah. Aman dijalankan ulang."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="Kode Kemendagri kabupaten/kota, mis. 16.73")
        parser.add_argument(
            "--wilayah", required=True, help="Folder berisi indonesia_kabupaten_kota.csv dan *_wilayah.csv"
        )
        parser.add_argument("--short-name", default="", help="Nama singkat (SMS, judul pendek)")
        parser.add_argument("--domain", default="", help="Domain resmi Pemda, mis. lubuklinggaukota.go.id")

    def handle(self, *args, code, wilayah, short_name, domain, **options):
        try:
            territory = read_territory(Path(wilayah), code.strip())
        except SetupError as exc:
            raise CommandError(str(exc))
        result = apply(territory, short_name=short_name.strip(), domain=domain.strip())
        self.stdout.write(
            self.style.SUCCESS(
                f"{territory.official_name} ({territory.code}): {len(territory.kecamatan)} kecamatan, "
                f"{len(territory.desa)} desa/kelurahan ({result.created} baru, {result.updated} diperbarui), "
                f"{result.boundaries} batas wilayah; {result.removed} wilayah lain dihapus."
            )
        )
        if result.kept_foreign:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.kept_foreign)} wilayah lain tetap disimpan karena masih dipakai laporan/data: "
                    + ", ".join(result.kept_foreign[:20])
                )
            )
