"""SPM reference data the portal starts with (domain.md section 3).

Loaded by a data migration; admin-editable afterwards. Codes are stable.
The 80/20 weights, the score bands and the 15-minute fire standard are
defaults in the models (configuration, not fact).
"""

SERVICES = [
    {
        "code": "tibum",
        "name": "Pelayanan ketenteraman dan ketertiban umum",
        "short_name": "Ketenteraman & ketertiban umum",
        "lead_agency": "Satpol PP",
        "legal_basis": "Permendagri 121/2018",
        "recipients_definition": (
            "Warga yang terkena dampak penegakan Perda/Perkada: penduduk dan fasilitas umum dalam radius 0–50 m "
            "dari lokasi penegakan (formulir data 5.A.1 dan 5.A.2)."
        ),
        "must_serve_label": "warga terdampak dalam radius 0–50 m",
        "served_label": "warga yang telah dilayani",
        "name_en": "Public peace and order service",
        "short_name_en": "Public peace & order",
        "recipients_definition_en": "Residents affected by the enforcement of local regulations (Perda/Perkada): people and public facilities within 0–50 m of the enforcement site (data forms 5.A.1 and 5.A.2).",
        "must_serve_label_en": "affected residents within 0–50 m",
        "served_label_en": "residents served",
        "source": "laporan",
        "sort_order": 10,
        "items": [
            (
                "sop",
                "SOP Satpol PP ditetapkan dan berlaku",
                "Satpol PP standard operating procedures adopted and in force",
                1,
            ),
            (
                "sarpras",
                "Sarana, prasarana, dan peralatan Satpol PP tersedia",
                "Satpol PP facilities, infrastructure and equipment available",
                1,
            ),
            (
                "diklat-dasar",
                "Satpol PP, PPNS, dan Linmas mengikuti pendidikan dan pelatihan dasar",
                "Satpol PP, PPNS and Linmas completed basic training",
                1,
            ),
            (
                "diklat-lanjutan",
                "Satpol PP, PPNS, dan Linmas mengikuti pelatihan teknis/lanjutan",
                "Satpol PP, PPNS and Linmas completed technical/advanced training",
                1,
            ),
            (
                "layanan-warga",
                "Layanan kepada warga terdampak penegakan Perda/Perkada diberikan",
                "Service given to residents affected by the enforcement of local regulations",
                1,
            ),
        ],
    },
    {
        "code": "info-bencana",
        "name": "Pelayanan informasi rawan bencana",
        "short_name": "Informasi rawan bencana",
        "lead_agency": "BPBD",
        "legal_basis": "Permendagri 101/2018",
        "recipients_definition": (
            "Warga yang berada di kawasan rawan bencana atau berpotensi terpapar bencana, per jenis bahaya."
        ),
        "must_serve_label": "warga di kawasan rawan bencana",
        "served_label": "warga yang menerima informasi rawan bencana (KIE)",
        "name_en": "Disaster-prone area information service",
        "short_name_en": "Disaster-risk information",
        "recipients_definition_en": "Residents living in disaster-prone areas or potentially exposed to a disaster, per hazard type.",
        "must_serve_label_en": "residents of disaster-prone areas",
        "served_label_en": "residents who received disaster-risk information (KIE)",
        "source": "kegiatan",
        "sort_order": 20,
        "items": [
            (
                "kajian-risiko",
                "Kajian Risiko Bencana disahkan (paling lama 1 tahun)",
                "Disaster risk study adopted (within 1 year)",
                2,
            ),
            (
                "kie",
                "Komunikasi, informasi, dan edukasi (KIE) per jenis bahaya dilaksanakan",
                "Communication, information and education (KIE) held per hazard type",
                2,
            ),
            (
                "peta-rawan",
                "Peta/informasi kawasan rawan bencana disebarluaskan",
                "Maps/information on disaster-prone areas distributed",
                1,
            ),
        ],
    },
    {
        "code": "siaga-bencana",
        "name": "Pelayanan pencegahan dan kesiapsiagaan terhadap bencana",
        "short_name": "Pencegahan & kesiapsiagaan bencana",
        "lead_agency": "BPBD",
        "legal_basis": "Permendagri 101/2018",
        "recipients_definition": "Warga yang berada di kawasan rawan bencana (rumusan belum dikonfirmasi).",
        "must_serve_label": "warga di kawasan rawan bencana",
        "served_label": "warga yang mengikuti pencegahan dan kesiapsiagaan",
        "name_en": "Disaster prevention and preparedness service",
        "short_name_en": "Disaster prevention & preparedness",
        "recipients_definition_en": "Residents living in disaster-prone areas (wording not yet confirmed).",
        "must_serve_label_en": "residents of disaster-prone areas",
        "served_label_en": "residents taking part in prevention and preparedness",
        "source": "kegiatan",
        "sort_order": 30,
        "items": [
            ("rencana-pb", "Rencana penanggulangan bencana ditetapkan", "Disaster management plan adopted", 1),
            ("kontinjensi", "Rencana kontinjensi tersedia", "Contingency plan available", 1),
            (
                "pedoman",
                "Pedoman pencegahan dan mitigasi tersedia",
                "Prevention and mitigation guidelines available",
                1,
            ),
            ("gladi", "Gladi kesiapsiagaan dilaksanakan", "Preparedness drill held", 1),
            ("peralatan", "Peralatan kesiapsiagaan tersedia", "Preparedness equipment available", 1),
        ],
    },
    {
        "code": "evakuasi-bencana",
        "name": "Pelayanan penyelamatan dan evakuasi korban bencana",
        "short_name": "Penyelamatan & evakuasi korban bencana",
        "lead_agency": "BPBD",
        "legal_basis": "Permendagri 101/2018",
        "recipients_definition": "Korban bencana (rumusan belum dikonfirmasi).",
        "must_serve_label": "korban bencana",
        "served_label": "korban yang diselamatkan/dievakuasi",
        "name_en": "Rescue and evacuation of disaster victims",
        "short_name_en": "Rescue & evacuation of disaster victims",
        "recipients_definition_en": "Disaster victims (wording not yet confirmed).",
        "must_serve_label_en": "disaster victims",
        "served_label_en": "victims rescued or evacuated",
        "source": "laporan",
        "sort_order": 40,
        "items": [
            ("respon-cepat", "Respon cepat darurat bencana", "Rapid emergency response", 1),
            ("sar", "Pencarian, pertolongan, dan evakuasi korban", "Search, rescue and evacuation of victims", 1),
            ("personel", "Personel penyelamatan terlatih tersedia", "Trained rescue personnel available", 1),
            (
                "peralatan",
                "Peralatan penyelamatan dan evakuasi tersedia",
                "Rescue and evacuation equipment available",
                1,
            ),
        ],
    },
    {
        "code": "kebakaran",
        "name": "Pelayanan penyelamatan dan evakuasi korban kebakaran",
        "short_name": "Penyelamatan & evakuasi korban kebakaran",
        "lead_agency": "Damkar",
        "legal_basis": "Permendagri 114/2018",
        "recipients_definition": "Warga yang menjadi korban kebakaran atau terdampak kebakaran.",
        "must_serve_label": "korban dan warga terdampak kebakaran",
        "served_label": "warga terlayani dalam waktu tanggap",
        "name_en": "Rescue and evacuation of fire victims",
        "short_name_en": "Rescue & evacuation of fire victims",
        "recipients_definition_en": "Residents who are fire victims or affected by a fire.",
        "must_serve_label_en": "fire victims and affected residents",
        "served_label_en": "residents served within the response time",
        "source": "laporan",
        "sort_order": 50,
        "items": [
            ("waktu-tanggap", "Respon cepat dalam waktu tanggap", "Rapid response within the response time", 2),
            ("pemadaman", "Pemadaman kebakaran", "Firefighting", 1),
            ("penyelamatan", "Penyelamatan dan evakuasi korban", "Rescue and evacuation of victims", 1),
            ("relawan", "Relawan kebakaran terbentuk dan terlatih", "Fire volunteers organised and trained", 1),
            ("pendataan", "Pendataan dan investigasi pascakebakaran", "Post-fire data collection and investigation", 1),
        ],
    },
]

MILESTONES = [
    (
        "sk-bupati",
        "Surat Keputusan Bupati tentang penerapan SPM Trantibumlinmas",
        "Regent's decree on applying the SPM Trantibumlinmas",
        "Bagian Pemerintahan Setda",
        "Government Section, Regional Secretariat",
    ),
    (
        "mou-lintas-sektor",
        "Nota kesepahaman lintas sektor (Satpol PP, Polres, TNI, BPBD, Damkar)",
        "Cross-sector memorandum of understanding (Satpol PP, Polres, TNI, BPBD, Damkar)",
        "Asisten I",
        "Asisten I",
    ),
    (
        "surat-anggaran",
        "Surat dukungan anggaran penerapan SPM",
        "Budget support letter for applying the SPM",
        "Bappeda dan BPKAD",
        "Bappeda and BPKAD",
    ),
    (
        "tim-efektif",
        "Pembentukan Tim Efektif KITA AMAN",
        "Setting up the KITA AMAN Tim Efektif",
        "Asisten I",
        "Asisten I",
    ),
    (
        "latihan-satpol-tni",
        "Latihan bersama Satpol PP dan TNI",
        "Joint training of Satpol PP and TNI",
        "Satpol PP dan Kodim",
        "Satpol PP and Kodim",
    ),
    (
        "fgd",
        "FGD dengan Polres, TNI, dan tokoh masyarakat",
        "Focus group discussion with Polres, TNI and community leaders",
        "Tim Efektif",
        "Tim Efektif",
    ),
]


def _known(model, values: dict) -> dict:
    # An older migration's model may lack the English fields added later.
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def seed_spm(apps):
    """Idempotent: creates or updates by code; never touches what the Tim Efektif entered."""
    Service = apps.get_model("spm", "Service")
    QualityItem = apps.get_model("spm", "QualityItem")
    Milestone = apps.get_model("spm", "Milestone")
    SpmSettings = apps.get_model("spm", "SpmSettings")

    SpmSettings.objects.get_or_create(pk=1)
    for row in SERVICES:
        row = dict(row)
        items = row.pop("items")
        service, _ = Service.objects.update_or_create(code=row.pop("code"), defaults=_known(Service, row))
        for i, (code, name, name_en, weight) in enumerate(items):
            QualityItem.objects.get_or_create(
                service=service,
                code=code,
                defaults=_known(
                    QualityItem, {"name": name, "name_en": name_en, "weight": weight, "sort_order": (i + 1) * 10}
                ),
            )
    for i, (code, title, title_en, owner, owner_en) in enumerate(MILESTONES):
        Milestone.objects.get_or_create(
            code=code,
            defaults=_known(
                Milestone,
                {
                    "title": title,
                    "title_en": title_en,
                    "owner": owner,
                    "owner_en": owner_en,
                    "sort_order": (i + 1) * 10,
                },
            ),
        )


def seed_spm_english(apps):
    """Fill the English texts of the reference rows where they are still empty
    (rows seeded before the English fields existed)."""
    Service = apps.get_model("spm", "Service")
    QualityItem = apps.get_model("spm", "QualityItem")
    Milestone = apps.get_model("spm", "Milestone")
    for row in SERVICES:
        service = Service.objects.filter(code=row["code"]).first()
        if service is None:
            continue
        for field in ("name_en", "short_name_en", "recipients_definition_en", "must_serve_label_en", "served_label_en"):
            if not getattr(service, field):
                setattr(service, field, row[field])
        service.save()
        for code, name, name_en, _weight in row["items"]:
            QualityItem.objects.filter(service=service, code=code, name=name, name_en="").update(name_en=name_en)
    for code, title, title_en, owner, owner_en in MILESTONES:
        Milestone.objects.filter(code=code, title=title, title_en="").update(title_en=title_en)
        Milestone.objects.filter(code=code, owner=owner, owner_en="").update(owner_en=owner_en)


# The seeded decree milestone in the words of each kind of region: (title, title_en).
DECREE_MILESTONE = "sk-bupati"
DECREE_MILESTONE_TITLES = {
    "kabupaten": (MILESTONES[0][1], MILESTONES[0][2]),
    "kota": (
        "Surat Keputusan Wali Kota tentang penerapan SPM Trantibumlinmas",
        "Mayor's decree on applying the SPM Trantibumlinmas",
    ),
}


def region_kind_changed(sender, instance, **kwargs):
    """RegionProfile saved: the seeded decree milestone names the Bupati or
    the Wali Kota; a title the Tim Efektif rewrote is left alone."""
    from .models import Milestone

    wanted = DECREE_MILESTONE_TITLES.get(instance.kind)
    if wanted is None:
        return
    seeded = [titles[0] for titles in DECREE_MILESTONE_TITLES.values()]
    Milestone.objects.filter(code=DECREE_MILESTONE, title__in=seeded).exclude(title=wanted[0]).update(
        title=wanted[0], title_en=wanted[1]
    )
