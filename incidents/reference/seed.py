"""Reference data the portal starts with: territory, categories, agencies, roles.

Used by data migrations (so a fresh database is complete without network) and
by tests. Everything here is admin-editable afterwards; codes are stable.
"""

import json
from pathlib import Path

from incidents.roles import ROLES

WILAYAH_FILE = Path(__file__).resolve().parent / "data" / "wilayah.json"

# UU 7/2012 Pasal 5: sources of social conflict. This legal classification is
# the officer's to make (a staff question, shown on the desk only).
SUMBER_KONFLIK = [
    [
        "politik-ekonomi-sosbud",
        "Permasalahan politik, ekonomi, dan sosial budaya",
        "Political, economic or socio-cultural problems",
    ],
    [
        "sara",
        "Perseteruan antarumat beragama, antarsuku, atau antaretnis (SARA)",
        "Disputes between religious, tribal or ethnic groups (SARA)",
    ],
    [
        "batas-wilayah",
        "Sengketa batas wilayah desa, kabupaten, atau provinsi",
        "Boundary dispute between villages, regencies or provinces",
    ],
    [
        "sumber-daya-alam",
        "Sengketa sumber daya alam antarmasyarakat atau dengan pelaku usaha",
        "Natural-resource dispute between communities or with a company",
    ],
    [
        "distribusi-sda",
        "Distribusi sumber daya alam yang tidak seimbang",
        "Unequal distribution of natural resources",
    ],
]

# What the trouble is about, in the words a resident uses. Each answer but the
# last matches one Pasal 5 source (PLAIN_FOR_SOURCE), so reports made before
# this question existed can be given the answer they had already chosen.
POKOK_MASALAH = [
    ["tanah-sumber-daya", "Tanah, kebun, tambang, hutan, atau sungai", "Land, plantation, mine, forest or river"],
    ["batas-wilayah", "Batas desa atau batas wilayah", "Village or area boundary"],
    [
        "pembagian-hasil",
        "Pembagian hasil alam, plasma, atau ganti rugi yang dirasa tidak adil",
        "Unfair sharing of natural resources, plasma plots or compensation",
    ],
    ["agama-suku-adat", "Perbedaan agama, suku, atau adat", "Differences of religion, ethnicity or custom"],
    [
        "politik-ekonomi",
        "Pilkades atau pemilu, usaha, pekerjaan, atau masalah sosial lain",
        "Village or general elections, business, jobs or another social problem",
    ],
    ["lainnya", "Lainnya atau tidak tahu", "Other, or not sure"],
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
        "description_en": "A land, plantation or mining dispute between residents and a company.",
        "default_priority": 2,
        "spm_service": "",
        "questions": [
            PLAIN_CONFLICT_QUESTION,
            _text("perusahaan", "Nama perusahaan", "Company name", required=True),
            _choice(
                "objek_sengketa",
                "Objek sengketa",
                "Object of dispute",
                [
                    ["lahan", "Lahan", "Land"],
                    ["perkebunan", "Perkebunan", "Plantation"],
                    ["tambang", "Pertambangan", "Mining"],
                    ["lainnya", "Lainnya", "Other"],
                ],
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
        "description_en": "A dispute between residents, groups or villages.",
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
        "description_en": "A fire in a house, shop or building. In an emergency also call the fire brigade (Damkar).",
        "default_priority": 4,
        "spm_service": "kebakaran",
        "questions": [
            _choice(
                "jenis_bangunan",
                "Jenis bangunan",
                "Type of building",
                [
                    ["rumah", "Rumah tinggal", "House"],
                    ["toko", "Toko/ruko", "Shop"],
                    ["kantor", "Kantor/gedung", "Office/building"],
                    ["fasum", "Fasilitas umum", "Public facility"],
                    ["lainnya", "Lainnya", "Other"],
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
        "description_en": "A violation of a local regulation, a public order disturbance, a demonstration or a riot.",
        "default_priority": 2,
        "spm_service": "tibum",
        "questions": [
            _choice(
                "jenis_gangguan",
                "Jenis gangguan",
                "Kind of problem",
                [
                    ["pelanggaran-perda", "Pelanggaran Perda/Perbup", "Violation of a local regulation"],
                    ["gangguan-tibum", "Gangguan ketertiban umum", "Public order disturbance"],
                    ["unjuk-rasa", "Unjuk rasa", "Demonstration"],
                    ["kerusuhan", "Kerusuhan", "Riot"],
                    ["lainnya", "Lainnya", "Other"],
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

# {official_name} and {name} are the region's (kitaaman.RegionProfile).
AGENCIES = [
    ("satpol-pp", "Satuan Polisi Pamong Praja {official_name}", "Satpol PP"),
    ("polres", "Kepolisian Resor {name}", "Polres"),
    ("tni", "TNI (Kodim/Koramil)", "TNI"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("damkar", "Pemadam Kebakaran", "Damkar"),
    ("dinsos", "Dinas Sosial", "Dinsos"),
    ("pertanahan", "Urusan Pertanahan", "Pertanahan"),
    ("perkebunan", "Dinas Perkebunan", "Perkebunan"),
    ("kecamatan", "Kantor Camat", "Kecamatan"),
]


def seed_category_english(apps):
    """Fill the English description and option labels of the seeded
    categories where an admin has not written them yet."""
    Category = apps.get_model("incidents", "Category")
    by_code = {row["code"]: row for row in CATEGORIES}
    for category in Category.objects.filter(code__in=by_code):
        row = by_code[category.code]
        if not category.description_en and row.get("description_en") and category.description == row["description"]:
            category.description_en = row["description_en"]
        english = {(q["code"], str(c[0])): c[2] for q in row["questions"] for c in q.get("choices", []) if len(c) > 2}
        questions = []
        for q in category.questions or []:
            q = dict(q)
            if q.get("choices"):
                q["choices"] = [
                    list(c)
                    if len(c) > 2 or (q["code"], str(c[0])) not in english
                    else [c[0], c[1], english[(q["code"], str(c[0]))]]
                    for c in q["choices"]
                ]
            questions.append(q)
        category.questions = questions
        category.save(update_fields=["description_en", "questions"])


def load_wilayah():
    return json.loads(WILAYAH_FILE.read_text(encoding="utf-8"))


def agency_rows(region_names: dict) -> list[tuple[str, str, str]]:
    """The seeded agencies with the region's names filled in."""
    return [(code, name.format(**region_names).strip(), short) for code, name, short in AGENCIES]


def region_names_of(apps) -> dict:
    """The region's names from its profile; blank before the profile exists
    (the migration that seeds the first install passes them itself)."""
    try:
        profile = apps.get_model("kitaaman", "RegionProfile").objects.order_by("pk").first()
    except LookupError:
        profile = None
    if profile is None:
        return {"name": "", "official_name": ""}
    return {"name": profile.name, "official_name": profile.official_name}


def seed_reference(apps, *, region_names: dict | None = None):
    """Idempotent: creates or updates the reference rows by code.
    region_names: the region's "name" and "official_name" for agency names."""
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
    # An older migration's model may lack fields added later (description_en).
    category_fields = {f.name for f in Category._meta.get_fields()}
    for row in CATEGORIES:
        row = dict(row)
        code = row.pop("code")
        Category.objects.update_or_create(code=code, defaults={k: v for k, v in row.items() if k in category_fields})
    for i, (code, name, short) in enumerate(agency_rows(region_names or region_names_of(apps))):
        Agency.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "sort_order": (i + 1) * 10}
        )
    for role in ROLES:
        Group.objects.get_or_create(name=role)
