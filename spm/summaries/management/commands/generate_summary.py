from django.core.management.base import BaseCommand, CommandError

from spm.summaries.periods import PeriodError, parse_period
from spm.summaries.services import SummaryBusy, summary_run


class Command(BaseCommand):
    help = "Buat ringkasan kepatuhan untuk satu periode secara langsung (tanpa worker Celery)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help="2026-W48 (minggu), 2026-11 (bulan) atau 2026-Q4 (triwulan)"
        )
        parser.add_argument(
            "--no-email", action="store_true", help="Jangan kirim ringkasan ke Tim Efektif dan pimpinan."
        )

    def handle(self, *args, period, no_email, **options):
        try:
            parsed = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc))
        try:
            summary = summary_run(period_key=parsed.key, source="command", send=not no_email)
        except SummaryBusy:
            raise CommandError(f"Ringkasan {parsed.key} sedang dibuat oleh proses lain; coba lagi sebentar lagi.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Ringkasan {summary.get_kind_display().lower()} {summary.period_key} revisi {summary.revision} "
                f"dibuat (id {summary.pk}{', sementara' if summary.provisional else ''})."
            )
        )
