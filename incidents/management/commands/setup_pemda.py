"""Set the portal up for one kabupaten/kota:

python manage.py setup_pemda 16.73 --wilayah ../shared/data/wilayah/lubuklinggau_wilayah.csv \
    --boundaries ../shared/data/wilayah/lubuklinggau_desa.geojson --admin-username admin --admin-email ...

Run again with a newer edition of the files, it shows and applies the
differences (renamed, added, retired desa/kelurahan).
"""

import getpass
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from incidents.reference.region_setup import SetupError, apply, read_territory

# The first admin's password, for installs that run the command unattended.
PASSWORD_ENV = "KITAAMAN_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Jadikan portal milik satu kabupaten/kota: profil daerah, kecamatan, desa/kelurahan, batas wilayah, "
        "instansi, dan akun admin pertama. Aman dijalankan ulang; edisi data yang lebih baru diterapkan "
        "sebagai perubahan (ganti nama, tambah, tidak dipakai lagi)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kode", help="Kode Kemendagri kabupaten/kota, mis. 16.73")
        parser.add_argument("--wilayah", required=True, help="Berkas *_wilayah.csv daerah itu")
        parser.add_argument("--boundaries", default="", help="Batas desa/kelurahan (GeoJSON), mis. *_desa.geojson")
        parser.add_argument(
            "--daftar-nasional",
            default="",
            help="indonesia_kabupaten_kota.csv (bawaan: di folder yang sama dengan berkas wilayah)",
        )
        parser.add_argument("--short-name", default="", help="Nama singkat (SMS, judul pendek)")
        parser.add_argument("--domain", default="", help="Domain resmi Pemda, mis. lubuklinggaukota.go.id")
        parser.add_argument("--admin-username", default="", help="Buat akun admin pertama dengan nama pengguna ini")
        parser.add_argument("--admin-email", default="", help="E-mail akun admin pertama")

    def handle(self, *args, kode, wilayah, boundaries, daftar_nasional, short_name, domain, **options):
        username = options["admin_username"].strip()
        password = self._admin_password(username) if username else ""
        try:
            territory = read_territory(
                kode,
                Path(wilayah),
                boundaries=Path(boundaries) if boundaries else None,
                national=Path(daftar_nasional) if daftar_nasional else None,
            )
        except SetupError as exc:
            raise CommandError(str(exc))
        with transaction.atomic():
            result = apply(territory, short_name=short_name.strip(), domain=domain.strip())
            admin_note = self._admin(username, options["admin_email"].strip(), password) if username else ""
        self._report(result)
        if admin_note:
            self.stdout.write(admin_note)

    def _admin_password(self, username: str) -> str:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return ""
        password = os.environ.get(PASSWORD_ENV, "")
        if not password and os.isatty(0):
            password = getpass.getpass(f"Kata sandi untuk {username}: ")
        if not password:
            raise CommandError(f"Kata sandi admin belum diberikan: isi variabel lingkungan {PASSWORD_ENV}.")
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            raise CommandError("Kata sandi admin ditolak: " + " ".join(exc.messages))
        return password

    def _admin(self, username: str, email: str, password: str) -> str:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return f"Akun admin {username} sudah ada; tidak diubah."
        User.objects.create_superuser(username=username, email=email, password=password)
        return f"Akun admin {username} dibuat."

    def _report(self, result):
        territory, diff = result.territory, result.differences
        self.stdout.write(
            self.style.SUCCESS(
                f"{territory.official_name} ({territory.code}): {len(territory.kecamatan)} kecamatan, "
                f"{len(territory.desa)} desa/kelurahan ({result.created} baru, {result.updated} diperbarui), "
                f"{result.boundaries} batas wilayah; {result.removed} wilayah lain dihapus."
            )
        )
        if len(diff.added) > 20:
            self.stdout.write(f"  + baru: {len(diff.added)} desa/kelurahan")
        else:
            for code, name in diff.added:
                self.stdout.write(f"  + baru: {code} {name}")
        for code, old, new in diff.kecamatan_renamed + diff.renamed:
            self.stdout.write(f"  ~ ganti nama: {code} {old} -> {new}")
        for code, name in diff.kecamatan_retired + diff.retired:
            self.stdout.write(f"  - tidak dipakai lagi: {code} {name} (laporan lama tetap menyebutnya)")
        for code in diff.reinstated:
            self.stdout.write(f"  + dipakai lagi: {code}")
        if result.kept_foreign:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.kept_foreign)} wilayah lain tidak dipakai lagi tetapi disimpan karena masih "
                    "dipakai laporan/data: " + ", ".join(result.kept_foreign[:20])
                )
            )
