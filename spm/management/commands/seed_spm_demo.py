import time

from django.core.management.base import BaseCommand, CommandError

from spm.demo import seed_spm_demo, spm_demo_exists


class Command(BaseCommand):
    help = (
        "Isi data SPM contoh (fiktif): sasaran, kegiatan, penilaian mutu, rencana aksi, jumlah penduduk "
        "(bertanda 'data demo'), SK Tim Efektif dan penanda tangan contoh, serta ringkasan minggu, bulan, dan "
        "triwulan lalu. Jalankan setelah seed_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=None, help="Benih acak agar hasil dapat diulang.")
        parser.add_argument("--if-empty", action="store_true", help="Jangan membuat apa pun bila data SPM sudah ada.")

    def handle(self, *args, seed, if_empty, **options):
        if if_empty and spm_demo_exists():
            self.stdout.write("Sudah ada data SPM; data contoh tidak dibuat (--if-empty).")
            return
        started = time.monotonic()
        try:
            stats = seed_spm_demo(seed=seed)
        except RuntimeError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                f"Data SPM contoh: {stats.targets} sasaran, {stats.activities} kegiatan, {stats.assessments} "
                f"penilaian mutu, {stats.population} angka penduduk (data demo), SK Tim Efektif dan "
                f"{stats.signatories} penanda tangan (data demo), {stats.summaries} ringkasan "
                f"({time.monotonic() - started:.1f} detik)."
            )
        )
