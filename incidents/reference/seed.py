"""Reference data the portal starts with: territory, categories, agencies, roles.

Used by data migrations (so a fresh database is complete without network) and
by tests. Everything here is admin-editable afterwards; codes are stable.
"""

import json
from pathlib import Path

WILAYAH_FILE = Path(__file__).resolve().parent / "data" / "wilayah.json"

# UU 7/2012 Pasal 5: sources of social conflict. This legal classification is
# the officer's to make (a staff question, shown on the desk only).
SUMBER_KONFLIK = [
    ["politik-ekonomi-sosbud", "Permasalahan politik, ekonomi, dan sosial budaya"],
    ["sara", "Perseteruan antarumat beragama, antarsuku, atau antaretnis (SARA)"],
    ["batas-wilayah", "Sengketa batas wilayah desa, kabupaten, atau provinsi"],
    ["sumber-daya-alam", "Sengketa sumber daya alam antarmasyarakat atau dengan pelaku usaha"],
    ["distribusi-sda", "Distribusi sumber daya alam yang tidak seimbang"],
]

# What the trouble is about, in the words a resident uses. Each answer but the
# last matches one Pasal 5 source (PLAIN_FOR_SOURCE), so reports made before
# this question existed can be given the answer they had already chosen.
POKOK_MASALAH = [
    ["tanah-sumber-daya", "Tanah, kebun, tambang, hutan, atau sungai"],
    ["batas-wilayah", "Batas desa atau batas wilayah"],
    ["pembagian-hasil", "Pembagian hasil alam, plasma, atau ganti rugi yang dirasa tidak adil"],
    ["agama-suku-adat", "Perbedaan agama, suku, atau adat"],
    ["politik-ekonomi", "Pilkades atau pemilu, usaha, pekerjaan, atau masalah sosial lain"],
    ["lainnya", "Lainnya atau tidak tahu"],
]
PLAIN_FOR_SOURCE = {
    "sumber-daya-alam": "tanah-sumber-daya",
    "batas-wilayah": "batas-wilayah",
    "distribusi-sda": "pembagian-hasil",
    "sara": "agama-suku-adat",
    "politik-ekonomi-sosbud": "politik-ekonomi",
}


def _int(code, label, label_en, required=False):
    return {
        "code": code,
        "label": label,
        "label_en": label_en,
        "type": "integer",
        "required": required,
        "min": 0,
        "max": 1000000,
    }


def _bool(code, label, label_en, required=False):
    return {"code": code, "label": label, "label_en": label_en, "type": "boolean", "required": required}


def _text(code, label, label_en, required=False, textarea=False):
    return {
        "code": code,
        "label": label,
        "label_en": label_en,
        "type": "textarea" if textarea else "text",
        "required": required,
    }


def _choice(code, label, label_en, choices, required=False):
    return {
        "code": code,
        "label": label,
        "label_en": label_en,
        "type": "choice",
        "required": required,
        "choices": choices,
    }


PLAIN_CONFLICT_QUESTION = _choice(
    "pokok_masalah", "Apa pokok masalahnya?", "What is the trouble about?", POKOK_MASALAH, required=True
)
# "staff": asked on the desk, never on the citizen's form or the public API.
LEGAL_CONFLICT_QUESTION = {
    **_choice(
        "sumber_konflik",
        "Klasifikasi sumber konflik (UU 7/2012 Pasal 5)",
        "Source of conflict (Law 7/2012, art. 5)",
        SUMBER_KONFLIK,
    ),
    "staff": True,
}

CONFLICT_COMMON = [
    _text("pihak_terlibat", "Pihak-pihak yang terlibat", "Parties involved", textarea=True),
    _int("jumlah_orang", "Perkiraan jumlah orang yang terlibat", "Estimated number of people involved"),
    _bool("ada_kekerasan", "Apakah terjadi kekerasan?", "Was there violence?", required=True),
]

# BNPB DIBI impact fields.
DISASTER_IMPACT = [
    _int("meninggal", "Korban meninggal", "Dead"),
    _int("hilang", "Korban hilang", "Missing"),
    _int("luka", "Korban luka-luka", "Injured"),
    _int("mengungsi", "Warga mengungsi", "Displaced"),
    _int("rumah_rusak_berat", "Rumah rusak berat", "Houses heavily damaged"),
    _int("rumah_rusak_sedang", "Rumah rusak sedang", "Houses moderately damaged"),
    _int("rumah_rusak_ringan", "Rumah rusak ringan", "Houses lightly damaged"),
]

HAZARDS = [
    # code, name, name_en, hazard, dibi, extra questions
    (
        "bencana-banjir",
        "Banjir",
        "Flood",
        "banjir",
        "101",
        [_int("rumah_terendam", "Rumah terendam", "Houses flooded")],
    ),
    ("bencana-longsor", "Tanah longsor", "Landslide", "tanah-longsor", "102", []),
    (
        "bencana-karhutla",
        "Kebakaran hutan dan lahan",
        "Forest and land fire",
        "karhutla",
        "107",
        [_int("luas_terbakar_ha", "Perkiraan luas terbakar (hektare)", "Estimated burnt area (hectares)")],
    ),
    ("bencana-puting-beliung", "Angin puting beliung", "Whirlwind", "puting-beliung", "105", []),
    ("bencana-kekeringan", "Kekeringan", "Drought", "kekeringan", "", []),
    ("bencana-gempa", "Gempa bumi", "Earthquake", "gempa-bumi", "108", []),
    ("bencana-lainnya", "Bencana alam lainnya", "Other natural disaster", "lainnya", "", []),
]

CATEGORIES = [
    {
        "code": "konflik-perusahaan",
        "name": "Konflik warga dengan perusahaan",
        "name_en": "Conflict between residents and a company",
        "group": "konflik",
        "description": "Sengketa lahan, perkebunan, atau tambang antara warga dan perusahaan.",
        "default_priority": 2,
        "spm_service": "",
        "questions": [
            PLAIN_CONFLICT_QUESTION,
            _text("perusahaan", "Nama perusahaan", "Company name", required=True),
            _choice(
                "objek_sengketa",
                "Objek sengketa",
                "Object of dispute",
                [["lahan", "Lahan"], ["perkebunan", "Perkebunan"], ["tambang", "Pertambangan"], ["lainnya", "Lainnya"]],
            ),
            *CONFLICT_COMMON,
            LEGAL_CONFLICT_QUESTION,
        ],
        "sort_order": 10,
    },
    {
        "code": "konflik-antarwarga",
        "name": "Konflik antarwarga",
        "name_en": "Conflict between residents",
        "group": "konflik",
        "description": "Perselisihan antarwarga, antarkelompok, atau antardesa.",
        "default_priority": 2,
        "spm_service": "",
        "questions": [
            PLAIN_CONFLICT_QUESTION,
            *CONFLICT_COMMON,
            LEGAL_CONFLICT_QUESTION,
        ],
        "sort_order": 20,
    },
    *[
        {
            "code": code,
            "name": name,
            "name_en": name_en,
            "group": "bencana",
            "description": "",
            "default_priority": 3,
            "spm_service": "evakuasi-bencana",
            "hazard": hazard,
            "dibi_code": dibi,
            "questions": [
                *DISASTER_IMPACT,
                *extra,
                _bool("masih_berlangsung", "Apakah masih berlangsung?", "Still ongoing?"),
            ],
            "verify_within": 1,
            "verify_unit": "jam",
            "followup_within": 6,
            "followup_unit": "jam",
            "sort_order": 30 + i,
        }
        for i, (code, name, name_en, hazard, dibi, extra) in enumerate(HAZARDS)
    ],
    {
        "code": "kebakaran-permukiman",
        "name": "Kebakaran permukiman/gedung",
        "name_en": "House or building fire",
        "group": "kebakaran",
        "description": "Kebakaran rumah, toko, atau gedung. Dalam keadaan darurat hubungi juga Damkar.",
        "default_priority": 4,
        "spm_service": "kebakaran",
        "questions": [
            _choice(
                "jenis_bangunan",
                "Jenis bangunan",
                "Type of building",
                [
                    ["rumah", "Rumah tinggal"],
                    ["toko", "Toko/ruko"],
                    ["kantor", "Kantor/gedung"],
                    ["fasum", "Fasilitas umum"],
                    ["lainnya", "Lainnya"],
                ],
            ),
            _int("jumlah_bangunan", "Jumlah bangunan terbakar", "Buildings affected", required=True),
            _int("korban_meninggal", "Korban meninggal", "Dead"),
            _int("korban_luka", "Korban luka-luka", "Injured"),
            _int("warga_terdampak", "Warga terdampak", "Residents affected"),
            _bool("api_masih_menyala", "Apakah api masih menyala?", "Is the fire still burning?"),
        ],
        "verify_within": 15,
        "verify_unit": "menit",
        "followup_within": 2,
        "followup_unit": "jam",
        "response_minutes": 15,
        "sort_order": 50,
    },
    {
        "code": "ketertiban-umum",
        "name": "Gangguan ketertiban umum / pelanggaran Perda",
        "name_en": "Public order problem / local regulation violation",
        "group": "ketertiban",
        "description": "Pelanggaran Perda/Perbup, gangguan ketertiban umum, unjuk rasa, atau kerusuhan.",
        "default_priority": 2,
        "spm_service": "tibum",
        "questions": [
            _choice(
                "jenis_gangguan",
                "Jenis gangguan",
                "Kind of problem",
                [
                    ["pelanggaran-perda", "Pelanggaran Perda/Perbup"],
                    ["gangguan-tibum", "Gangguan ketertiban umum"],
                    ["unjuk-rasa", "Unjuk rasa"],
                    ["kerusuhan", "Kerusuhan"],
                    ["lainnya", "Lainnya"],
                ],
                required=True,
            ),
            _text("aturan_dilanggar", "Perda/Perbup yang dilanggar (jika tahu)", "Regulation violated (if known)"),
            _int("warga_terdampak", "Perkiraan warga terdampak", "Estimated residents affected"),
            _bool("ada_kekerasan", "Apakah terjadi kekerasan?", "Was there violence?"),
        ],
        "sort_order": 60,
    },
]

AGENCIES = [
    ("satpol-pp", "Satuan Polisi Pamong Praja Kabupaten Musi Rawas Utara", "Satpol PP"),
    ("polres", "Kepolisian Resor Musi Rawas Utara", "Polres"),
    ("tni", "TNI (Kodim/Koramil)", "TNI"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("damkar", "Pemadam Kebakaran", "Damkar"),
    ("dinsos", "Dinas Sosial", "Dinsos"),
    ("pertanahan", "Urusan Pertanahan", "Pertanahan"),
    ("perkebunan", "Dinas Perkebunan", "Perkebunan"),
    ("kecamatan", "Kantor Camat", "Kecamatan"),
]

ROLES = ["petugas", "koordinator", "mitra", "tim_efektif", "pimpinan"]


def load_wilayah():
    return json.loads(WILAYAH_FILE.read_text(encoding="utf-8"))


def seed_reference(apps):
    """Idempotent: creates or updates the reference rows by code."""
    Kecamatan = apps.get_model("incidents", "Kecamatan")
    Desa = apps.get_model("incidents", "Desa")
    Category = apps.get_model("incidents", "Category")
    Agency = apps.get_model("incidents", "Agency")
    Group = apps.get_model("auth", "Group")

    data = load_wilayah()
    for row in data["kecamatan"]:
        Kecamatan.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "lat": row["lat"], "lng": row["lng"]}
        )
    for row in data["desa"]:
        Desa.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kecamatan_id": row["kecamatan"],
                "jenis": row["jenis"],
                "lat": row["lat"],
                "lng": row["lng"],
            },
        )
    for row in CATEGORIES:
        row = dict(row)
        code = row.pop("code")
        Category.objects.update_or_create(code=code, defaults=row)
    for i, (code, name, short) in enumerate(AGENCIES):
        Agency.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "sort_order": (i + 1) * 10}
        )
    for role in ROLES:
        Group.objects.get_or_create(name=role)
