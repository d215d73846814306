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

from incidents import audit
from incidents.models import Agency, Desa, Kecamatan
from incidents.reference.geo import bump_boundary_version
from incidents.reference.seed import agency_rows
from kitaaman.models import RegionProfile

NATIONAL_LIST = "indonesia_kabupaten_kota.csv"
AUDIT_ACTION = "region.setup"
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
class Differences:
    """How an edition differs from the territory in the database."""

    added: list = field(default_factory=list)  # (code, name)
    renamed: list = field(default_factory=list)  # (code, old name, new name)
    retired: list = field(default_factory=list)  # (code, name): missing from the edition
    reinstated: list = field(default_factory=list)  # codes retired before, listed again
    kecamatan_added: list = field(default_factory=list)
    kecamatan_renamed: list = field(default_factory=list)
    kecamatan_retired: list = field(default_factory=list)
    foreign: list = field(default_factory=list)  # codes of another region

    def as_data(self) -> dict:
        return {
            "desa_added": [c for c, _n in self.added],
            "desa_renamed": [[c, old, new] for c, old, new in self.renamed],
            "desa_retired": [c for c, _n in self.retired],
            "reinstated": list(self.reinstated),
            "kecamatan_added": [c for c, _n in self.kecamatan_added],
            "kecamatan_renamed": [[c, old, new] for c, old, new in self.kecamatan_renamed],
            "kecamatan_retired": [c for c, _n in self.kecamatan_retired],
        }


@dataclass
class SetupResult:
    territory: Territory
    differences: Differences | None = None
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_foreign: list = field(default_factory=list)
    boundaries: int = 0


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def national_entry(folder: Path, code: str, path: Path | None = None) -> dict:
    if re.fullmatch(r"\d{2}", code):
        raise SetupError(f"Kode {code} adalah kode provinsi, bukan kabupaten/kota (bentuknya pp.kk, mis. 16.73).")
    if not REGION_CODE.match(code):
        raise SetupError(f"Kode {code!r} bukan kode kabupaten/kota (bentuknya pp.kk, mis. 16.73).")
    path = Path(path) if path else folder / NATIONAL_LIST
    if not path.is_file():
        raise SetupError(f"Daftar kabupaten/kota nasional tidak ditemukan: {path}")
    for row in _read_csv(path):
        if row.get("code") == code:
            return row
    raise SetupError(f"Kode {code} tidak ada dalam daftar kabupaten/kota nasional ({NATIONAL_LIST}).")


def _wilayah_file(path: Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise SetupError(f"{path} adalah folder; sebutkan berkas *_wilayah.csv daerah itu.")
    if not path.is_file():
        raise SetupError(f"Berkas data wilayah tidak ditemukan: {path}")
    return path


def _jenis(code: str) -> str:
    # Kemendagri: the last segment starts with 1 for a kelurahan, 2 for a desa.
    return Desa.Jenis.KELURAHAN if code.rsplit(".", 1)[-1].startswith("1") else Desa.Jenis.DESA


def _float(row: dict, key: str, path: Path) -> float:
    try:
        return float(row[key])
    except (KeyError, TypeError, ValueError):
        raise SetupError(f"{path.name}: {key} tidak valid pada kode {row.get('code')}.")


def read_territory(
    code: str, wilayah: Path, *, boundaries: Path | None = None, national: Path | None = None
) -> Territory:
    """Reads and checks the files of one region; raises SetupError.

    wilayah: the region's `*_wilayah.csv`; national: `indonesia_kabupaten_kota.csv`
    (by default next to it); boundaries: the desa/kelurahan polygons (GeoJSON)."""
    code = (code or "").strip()
    path = _wilayah_file(wilayah)
    entry = national_entry(Path(national).parent if national else path.parent, code, national)
    territory = Territory(
        code=code,
        official_name=entry["name"],
        kind=entry["kind"],
        province=entry.get("province_name", ""),
        source=path,
    )
    try:
        rows = _read_csv(path)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SetupError(f"{path.name}: bukan CSV UTF-8 yang valid ({exc}).")
    if not rows or not {"level", "code", "name", "parent_code", "lat", "lng"} <= set(rows[0]):
        raise SetupError(f"{path.name}: kolom harus level,code,name,parent_code,lat,lng.")
    for row in rows:
        level, row_code = row.get("level"), (row.get("code") or "").strip()
        if level in ("kabupaten", "kota"):
            if row_code != code:
                raise SetupError(
                    f"{path.name} adalah berkas {row.get('name')} ({row_code}), bukan {entry['name']} ({code})."
                )
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
    if boundaries:
        _read_boundaries(territory, Path(boundaries))
    return territory


def _read_boundaries(territory: Territory, path: Path) -> None:
    """The desa polygons by code; each kecamatan's is the union of its desa."""
    if not path.is_file():
        raise SetupError(f"Berkas batas wilayah tidak ditemukan: {path}")
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SetupError(f"{name}: bukan GeoJSON FeatureCollection yang valid ({exc}).")
    desa_codes = {d["code"] for d in territory.desa}
    kecamatan_codes = {k["code"] for k in territory.kecamatan}
    shapes = {}
    for feature in features:
        feature_code = str((feature.get("properties") or {}).get("code", ""))
        if feature_code not in desa_codes | kecamatan_codes:
            raise SetupError(
                f"{name}: batas wilayah berkode {feature_code or '?'} tidak cocok dengan daftar {territory.code}."
            )
        try:
            geom = shape(feature["geometry"])
        except Exception:
            raise SetupError(f"{name}: geometri {feature_code} tidak valid.")
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise SetupError(f"{name}: geometri {feature_code} bukan poligon.")
        shapes[feature_code] = geom if geom.is_valid else make_valid(geom)
    if not desa_codes & set(shapes):
        raise SetupError(f"{name}: tidak ada batas desa/kelurahan dari daftar {territory.code}.")
    for d in territory.desa:
        if d["code"] in shapes and d["kecamatan"] not in shapes:
            members = [
                shapes[x["code"]] for x in territory.desa if x["kecamatan"] == d["kecamatan"] and x["code"] in shapes
            ]
            shapes[d["kecamatan"]] = unary_union(members)
    territory.boundaries = {c: mapping(g) for c, g in shapes.items()}


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


def differences(territory: Territory) -> Differences:
    """What this edition changes in the database's territory (nothing written)."""
    diff = Differences()
    prefix = territory.code + "."
    for model, rows, added, renamed, reinstated, retired in (
        (
            Kecamatan,
            territory.kecamatan,
            diff.kecamatan_added,
            diff.kecamatan_renamed,
            diff.reinstated,
            diff.kecamatan_retired,
        ),
        (Desa, territory.desa, diff.added, diff.renamed, diff.reinstated, diff.retired),
    ):
        current = {c: (n, r) for c, n, r in model.objects.values_list("code", "name", "retired")}
        listed = {row["code"] for row in rows}
        for row in rows:
            if row["code"] not in current:
                added.append((row["code"], row["name"]))
                continue
            name, was_retired = current[row["code"]]
            if name != row["name"]:
                renamed.append((row["code"], name, row["name"]))
            if was_retired:
                reinstated.append(row["code"])
        for code, (name, was_retired) in sorted(current.items()):
            if code in listed or was_retired:
                continue
            if code.startswith(prefix):
                retired.append((code, name))
            else:
                diff.foreign.append(code)
    return diff


def _settle_foreign(codes: list[str], result: SetupResult) -> None:
    """Another region's rows (the demo's): removed when nothing refers to
    them, else retired so that their reports still name their place."""
    for model in (Desa, Kecamatan):
        for row in model.objects.filter(code__in=codes).order_by("code"):
            try:
                with transaction.atomic():
                    row.delete()
                result.removed += 1
            except (ProtectedError, IntegrityError):
                model.objects.filter(pk=row.pk).update(retired=True)
                result.kept_foreign.append(row.code)


def _seed_agencies(territory: Territory, profile: RegionProfile) -> None:
    """The agencies of a typical Pemda, renamed for the region; one office per
    kecamatan, created once (the admin edits them afterwards)."""
    names = {"name": profile.name, "official_name": profile.official_name}
    for i, (code, agency_name, short) in enumerate(agency_rows(names)):
        agency, created = Agency.objects.get_or_create(
            code=code, defaults={"name": agency_name, "short_name": short, "sort_order": (i + 1) * 10}
        )
        if not created and agency.name != agency_name:
            agency.name = agency_name
            agency.save(update_fields=["name"])
    for i, k in enumerate(territory.kecamatan):
        Agency.objects.get_or_create(
            code=f"camat-{k['code'].replace('.', '-')}",
            defaults={
                "name": f"Kantor Camat {k['name']}",
                "short_name": f"Camat {k['name']}"[:40],
                "sort_order": 200 + i,
            },
        )


def apply(territory: Territory, *, short_name: str = "", domain: str = "", user=None) -> SetupResult:
    """Writes the profile, territory, boundaries and agencies in one
    transaction, with an audit record of the differences."""
    result = SetupResult(territory=territory)
    with transaction.atomic():
        result.differences = diff = differences(territory)
        for model, rows in ((Kecamatan, territory.kecamatan), (Desa, territory.desa)):
            for row in rows:
                values = {"name": row["name"], "lat": row["lat"], "lng": row["lng"], "retired": False}
                if territory.boundaries:  # else the boundaries already loaded stay
                    values["boundary"] = territory.boundaries.get(row["code"])
                if model is Desa:
                    values.update(kecamatan_id=row["kecamatan"], jenis=row["jenis"])
                _, created = model.objects.update_or_create(code=row["code"], defaults=values)
                result.created += created
                result.updated += not created
        # A desa of the region missing from this edition is retired, never deleted.
        Desa.objects.filter(code__in=[c for c, _n in diff.retired]).update(retired=True)
        Kecamatan.objects.filter(code__in=[c for c, _n in diff.kecamatan_retired]).update(retired=True)
        result.boundaries = len(territory.boundaries)
        _settle_foreign(diff.foreign, result)

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
        _seed_agencies(territory, profile)
        audit.record(
            AUDIT_ACTION,
            user=user,
            data={
                "code": territory.code,
                "source": territory.source.name if territory.source else "",
                "new_region": new_region,
                **diff.as_data(),
                "removed_foreign": result.removed,
                "kept_foreign": result.kept_foreign,
            },
        )
    bump_boundary_version()
    return result
