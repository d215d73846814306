import csv

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kitaaman.commands import input_file_text
from spm.population.services import population_import

# Column names accepted, Indonesian first.
COLUMNS = {
    "code": ("kode", "code"),
    "value": ("penduduk", "jumlah_penduduk", "population", "value"),
    "year": ("tahun", "year"),
    "source": ("sumber", "source"),
}


class Command(BaseCommand):
    help = (
        "Impor jumlah penduduk per kecamatan/desa dari CSV (kolom: kode, penduduk, tahun, sumber; "
        "kode Kemendagri kecamatan pp.kk.cc atau desa pp.kk.cc.dddd). Kode dan tahun yang sama: nilainya diganti."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas CSV (UTF-8, pemisah koma atau titik koma).")
        parser.add_argument("--year", type=int, help="Tahun untuk baris tanpa kolom tahun.")
        parser.add_argument("--source", default="", help="Sumber untuk baris tanpa kolom sumber.")

    def handle(self, *args, file, year, source, **options):
        text = input_file_text(file, encoding="utf-8-sig")
        try:
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(text.splitlines(), dialect=dialect)
        header = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
        columns = {}
        for key, names in COLUMNS.items():
            columns[key] = next((header[n] for n in names if n in header), None)
        missing = [COLUMNS[k][0] for k in ("code", "value") if columns[k] is None]
        if missing:
            raise CommandError(f"Kolom wajib tidak ada: {', '.join(missing)}.")
        rows = [
            {key: (line.get(column) if column else None) for key, column in columns.items()}
            for line in reader
            if any((v or "").strip() for v in line.values() if isinstance(v, str))
        ]
        try:
            result = population_import(actor=None, rows=rows, default_year=year, default_source=source)
        except ValidationError as exc:
            raise CommandError("Tidak ada yang disimpan:\n  " + "\n  ".join(exc.messages))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result['rows']} baris diimpor ({result['created']} baru, {result['updated']} diganti)."
            )
        )
