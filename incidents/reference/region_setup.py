"""Turn the portal into one Pemda's: the region profile, its kecamatan and
desa/kelurahan, and their boundaries, from the public data files in a wilayah
folder (the formats described in its SOURCES.md):

- `indonesia_kabupaten_kota.csv`: every kabupaten/kota (code, name, province, kind);
- `<prefix>_wilayah.csv`: level, code, name, parent_code, lat, lng of one region;
- `<prefix>_desa.geojson` and `<prefix>_kecamatan_from_desa.geojson` (optional): boundaries.

Everything is checked before anything is written, and written in one
transaction. Desa and kecamatan of another region that nothing points at are
removed; those with reports or figures are kept (and reported) so no record
loses its place.
"""

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from shapely.validation import make_valid

from incidents.models import Agency, Desa, Kecamatan
from incidents.reference.geo import bump_boundary_version
from incidents.reference.seed import agency_rows
from kitaaman.models import RegionProfile

NATIONAL_LIST = "indonesia_kabupaten_kota.csv"
REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
# Degrees added around the territory's extent for the map's bounds.
BBOX_MARGIN = 0.02
HEAD_TITLE = {RegionProfile.Kind.KABUPATEN: "Bupati", RegionProfile.Kind.KOTA: "Wali Kota"}
DOMAIN_SUFFIX = {RegionProfile.Kind.KABUPATEN: "kab.go.id", RegionProfile.Kind.KOTA: "kota.go.id"}


class SetupError(ValueError):
    """A refusal, in Bahasa Indonesia; nothing has been written."""


@dataclass
class Territory:
    code: str
    official_name: str
    kind: str
    province: str
    kecamatan: list = field(default_factory=list)  # dicts: code, name, lat, lng
    desa: list = field(default_factory=list)  # dicts: code, name, kecamatan, jenis, lat, lng
    boundaries: dict = field(default_factory=dict)  # code -> GeoJSON geometry
    source: Path | None = None


@dataclass
class SetupResult:
    territory: Territory
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_foreign: list = field(default_factory=list)
    boundaries: int = 0


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def national_entry(folder: Path, code: str) -> dict:
    if not REGION_CODE.match(code):
        raise SetupError(f"Kode {code!r} bukan kode kabupaten/kota (bentuknya pp.kk, mis. 16.73).")
    path = folder / NATIONAL_LIST
    if not path.is_file():
        raise SetupError(f"Daftar kabupaten/kota nasional tidak ditemukan: {path}")
    for row in _read_csv(path):
        if row.get("code") == code:
            return row
    raise SetupError(f"Kode {code} tidak ada dalam daftar kabupaten/kota nasional ({NATIONAL_LIST}).")


def _wilayah_file(folder: Path, code: str) -> Path:
    for path in sorted(folder.glob("*_wilayah.csv")):
        rows = _read_csv(path)
        if any(r.get("level") == "kabupaten" and r.get("code") == code for r in rows[:3]):
            return path
    raise SetupError(f"Tidak ada berkas *_wilayah.csv untuk kode {code} di {folder}.")


def _jenis(code: str) -> str:
    # Kemendagri: the last segment starts with 1 for a kelurahan, 2 for a desa.
    return Desa.Jenis.KELURAHAN if code.rsplit(".", 1)[-1].startswith("1") else Desa.Jenis.DESA


def _float(row: dict, key: str, path: Path) -> float:
    try:
        return float(row[key])
    except (KeyError, TypeError, ValueError):
        raise SetupError(f"{path.name}: {key} tidak valid pada kode {row.get('code')}.")


def read_territory(folder: Path, code: str) -> Territory:
    """Reads and checks the files of one region; raises SetupError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SetupError(f"Folder data wilayah tidak ditemukan: {folder}")
    entry = national_entry(folder, code)
    path = _wilayah_file(folder, code)
    territory = Territory(
        code=code,
        official_name=entry["name"],
        kind=entry["kind"],
        province=entry.get("province_name", ""),
        source=path,
    )
    for row in _read_csv(path):
        level, row_code = row.get("level"), row.get("code", "")
        if level == "kabupaten":
            continue
        if not row_code.startswith(code + "."):
            raise SetupError(f"{path.name}: kode {row_code} bukan bagian dari {entry['name']} ({code}).")
        point = {
            "code": row_code,
            "name": row["name"].strip(),
            "lat": _float(row, "lat", path),
            "lng": _float(row, "lng", path),
        }
        if level == "kecamatan":
            territory.kecamatan.append(point)
        elif level == "desa":
            territory.desa.append({**point, "kecamatan": row["parent_code"], "jenis": _jenis(row_code)})
    kecamatan_codes = {k["code"] for k in territory.kecamatan}
    orphans = [d["code"] for d in territory.desa if d["kecamatan"] not in kecamatan_codes]
    if not territory.kecamatan or not territory.desa or orphans:
        raise SetupError(f"{path.name}: daftar kecamatan/desa tidak lengkap ({', '.join(orphans[:5]) or 'kosong'}).")
    _read_boundaries(territory, folder, path.name.removesuffix("_wilayah.csv"))
    return territory


def _read_boundaries(territory: Territory, folder: Path, prefix: str) -> None:
    known = {k["code"] for k in territory.kecamatan} | {d["code"] for d in territory.desa}
    for name in (f"{prefix}_desa.geojson", f"{prefix}_kecamatan_from_desa.geojson"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            features = data["features"]
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise SetupError(f"{name}: bukan GeoJSON FeatureCollection yang valid ({exc}).")
        for feature in features:
            feature_code = str((feature.get("properties") or {}).get("code", ""))
            if feature_code not in known:
                raise SetupError(
                    f"{name}: batas wilayah berkode {feature_code or '?'} tidak cocok dengan daftar {territory.code}."
                )
            try:
                geom = shape(feature["geometry"])
            except Exception:
                raise SetupError(f"{name}: geometri {feature_code} tidak valid.")
            if geom.geom_type not in ("Polygon", "MultiPolygon"):
                raise SetupError(f"{name}: geometri {feature_code} bukan poligon.")
            territory.boundaries[feature_code] = mapping(geom if geom.is_valid else make_valid(geom))


def bbox(territory: Territory) -> dict:
    desa_codes = {d["code"] for d in territory.desa}
    polygons = [shape(g) for c, g in territory.boundaries.items() if c in desa_codes]
    if polygons:
        min_lng, min_lat, max_lng, max_lat = unary_union(polygons).bounds
    else:
        lats = [p["lat"] for p in territory.desa + territory.kecamatan]
        lngs = [p["lng"] for p in territory.desa + territory.kecamatan]
        min_lat, max_lat, min_lng, max_lng = min(lats), max(lats), min(lngs), max(lngs)
    m = BBOX_MARGIN
    return {
        "min_lat": round(min_lat - m, 4),
        "max_lat": round(max_lat + m, 4),
        "min_lng": round(min_lng - m, 4),
        "max_lng": round(max_lng + m, 4),
    }


def profile_defaults(territory: Territory, *, short_name: str = "", domain: str = "") -> dict:
    """The profile fields that follow from the region's code and name."""
    kind = RegionProfile.Kind(territory.kind)
    official = territory.official_name
    name = official.split(" ", 1)[1] if " " in official else official
    short = short_name or name
    slug = re.sub(r"[^a-z0-9]", "", name.lower())
    domain = domain or f"{slug}{DOMAIN_SUFFIX[kind]}"
    upper = re.sub(r"[^A-Z0-9]", "", short.upper())
    return {
        "kind": kind,
        "name": name,
        "official_name": official,
        "short_name": short,
        "province": territory.province,
        "head_title": HEAD_TITLE[kind],
        "asisten_title": f"Asisten Pemerintahan dan Kesejahteraan Rakyat Sekretariat Daerah {official}",
        "satpol_pp_name": f"Satuan Polisi Pamong Praja {official}",
        "address": "",
        "phone": "",
        "email": "",
        "emergency_numbers": "112",
        "domain": domain,
        "data_controller": f"Pemerintah {official} (KITA AMAN)",
        "cap_sender": f"bpbd.{domain}",
        "cap_sender_name": f"BPBD {official}",
        "cap_contact": f"BPBD {official}, telepon darurat 112",
        "cap_profile_code": f"KITAAMAN-{upper}-1.0",
        "cap_identifier_prefix": upper,
        "sms_prefix": f"BPBD {short.upper()}",
        "perda_trantibum": "",
        "sk_tim_efektif": "",
    }


def _remove_foreign(territory: Territory, result: SetupResult) -> None:
    """Drops the desa/kecamatan of another region that nothing refers to."""
    desa_codes = {d["code"] for d in territory.desa}
    kecamatan_codes = {k["code"] for k in territory.kecamatan}
    for model, keep in ((Desa, desa_codes), (Kecamatan, kecamatan_codes)):
        for row in model.objects.exclude(code__in=keep).order_by("code"):
            try:
                with transaction.atomic():
                    row.delete()
                result.removed += 1
            except (ProtectedError, IntegrityError):
                result.kept_foreign.append(row.code)


def apply(territory: Territory, *, short_name: str = "", domain: str = "") -> SetupResult:
    """Writes the profile, territory and boundaries in one transaction."""
    result = SetupResult(territory=territory)
    with transaction.atomic():
        for k in territory.kecamatan:
            _, created = Kecamatan.objects.update_or_create(
                code=k["code"],
                defaults={
                    "name": k["name"],
                    "lat": k["lat"],
                    "lng": k["lng"],
                    "boundary": territory.boundaries.get(k["code"]),
                },
            )
            result.created += created
            result.updated += not created
        for d in territory.desa:
            _, created = Desa.objects.update_or_create(
                code=d["code"],
                defaults={
                    "name": d["name"],
                    "kecamatan_id": d["kecamatan"],
                    "jenis": d["jenis"],
                    "lat": d["lat"],
                    "lng": d["lng"],
                    "boundary": territory.boundaries.get(d["code"]),
                },
            )
            result.created += created
            result.updated += not created
        result.boundaries = len(territory.boundaries)
        _remove_foreign(territory, result)

        profile = RegionProfile.objects.order_by("pk").first() or RegionProfile()
        new_region = profile.code != territory.code
        values = profile_defaults(territory, short_name=short_name, domain=domain)
        if not new_region:
            # Same region again: keep what the admin edited, refresh only the
            # official facts and whatever was asked for on the command line.
            keep = {"name", "official_name", "kind", "province"}
            keep |= {"short_name"} if short_name else set()
            keep |= {"domain"} if domain else set()
            values = {k: v for k, v in values.items() if k in keep}
        for key, value in {**values, **bbox(territory), "code": territory.code}.items():
            setattr(profile, key, value)
        profile.save()

        names = {"name": profile.name, "official_name": profile.official_name}
        for code, agency_name, _short in agency_rows(names):
            Agency.objects.filter(code=code).update(name=agency_name)
    bump_boundary_version()
    return result
