import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from shapely.geometry import mapping, shape
from shapely.validation import make_valid

from incidents.models import Desa, Kecamatan
from incidents.reference.geo import bump_boundary_version
from kitaaman.commands import input_file_text


class Command(BaseCommand):
    help = "Pasang batas wilayah (GeoJSON WGS84) ke kecamatan/desa berdasarkan properti 'code'. Aman dijalankan ulang."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Berkas GeoJSON FeatureCollection")

    def handle(self, *args, path, **options):
        try:
            data = json.loads(input_file_text(path))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Bukan GeoJSON yang valid: {exc}")
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise CommandError("GeoJSON harus berupa FeatureCollection.")
        kecamatan = {k.code: k for k in Kecamatan.objects.all()}
        desa = {d.code: d for d in Desa.objects.all()}
        updated, skipped = 0, []
        with transaction.atomic():
            for feature in data.get("features", []):
                props = feature.get("properties") or {}
                code = str(props.get("code", "")).strip()
                target = desa.get(code) or kecamatan.get(code)
                if target is None:
                    skipped.append(code or "?")
                    continue
                try:
                    geom = shape(feature["geometry"])
                except Exception:
                    skipped.append(code)
                    continue
                if geom.geom_type not in ("Polygon", "MultiPolygon"):
                    skipped.append(code)
                    continue
                if not geom.is_valid:
                    geom = make_valid(geom)
                target.boundary = mapping(geom)
                target.save(update_fields=["boundary"])
                updated += 1
        bump_boundary_version()
        self.stdout.write(self.style.SUCCESS(f"{updated} batas wilayah dipasang."))
        if skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(skipped)} fitur dilewati (kode tidak dikenal/geometri tidak valid): {', '.join(skipped[:20])}"
                )
            )
