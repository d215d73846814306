"""What the demo reports are made of: users, seasons, texts, names, notes.

Plausible material for a newcomer's portal; nothing here is official data.
Kecamatan are named by their place in the region's list (the last segment of
the Kemendagri code), so the demo runs for whichever region is set up."""

from incidents.models import (
    Channel,
)

DEMO_PASSWORD = "Demo-KitaAman-2026"


# username, role, kwargs for staff_user_create, first name, last name; an
# officer's kecamatan are given by their number in the region ("01", "03").
DEMO_USERS = [
    ("petugas_rupit", "petugas", {"kecamatan_numbers": ["01"]}, "Andi", "Saputra"),
    ("petugas_nibung", "petugas", {"kecamatan_numbers": ["03"]}, "Rina", "Wulandari"),
    ("koordinator", "koordinator", {}, "Hendra", "Gunawan"),
    ("mitra_bpbd", "mitra", {"agency_code": "bpbd"}, "Yusuf", "Hakim"),
    ("mitra_polres", "mitra", {"agency_code": "polres"}, "Dedi", "Kurniawan"),
    ("tim_efektif", "tim_efektif", {}, "Sri", "Mulyani"),
    ("asisten1", "pimpinan", {}, "Bambang", "Irawan"),
    ("admin", "admin", {}, "Admin", "Portal"),
]


# Share of reports per category before the season applies.
BASE_WEIGHTS = {
    "ketertiban-umum": 24,
    "bencana-banjir": 14,
    "kebakaran-permukiman": 12,
    "bencana-karhutla": 8,
    "konflik-perusahaan": 9,
    "konflik-antarwarga": 8,
    "bencana-longsor": 4,
    "bencana-puting-beliung": 4,
    "bencana-kekeringan": 2,
    "bencana-lainnya": 1.5,
    "bencana-gempa": 0.4,
}


# Rainy season roughly Nov-Apr; karhutla and drought in the dry season Jul-Oct.
SEASON = {
    "bencana-banjir": {1: 2, 2: 2, 3: 1.8, 4: 1.5, 5: 0.8, 6: 0.4, 7: 0.2, 8: 0.15, 9: 0.2, 10: 0.6, 11: 1.8, 12: 2.2},
    "bencana-longsor": {
        1: 1.5,
        2: 1.5,
        3: 1.4,
        4: 1.2,
        5: 0.7,
        6: 0.4,
        7: 0.3,
        8: 0.3,
        9: 0.4,
        10: 0.8,
        11: 1.4,
        12: 1.5,
    },
    "bencana-karhutla": {1: 0.05, 2: 0.1, 3: 0.1, 4: 0.1, 5: 0.3, 6: 0.8, 7: 3, 8: 5, 9: 5, 10: 3, 11: 0.3, 12: 0.05},
    "bencana-kekeringan": {
        1: 0.1,
        2: 0.1,
        3: 0.1,
        4: 0.1,
        5: 0.3,
        6: 1,
        7: 2.5,
        8: 3.5,
        9: 3.5,
        10: 1.5,
        11: 0.2,
        12: 0.1,
    },
    "bencana-puting-beliung": {
        1: 1.2,
        2: 1.2,
        3: 1.5,
        4: 1.5,
        5: 1,
        6: 0.7,
        7: 0.5,
        8: 0.5,
        9: 0.6,
        10: 1,
        11: 1.5,
        12: 1.3,
    },
}


# More people and more reports in some kecamatan (by number) than in others.
KECAMATAN_WEIGHT = {"01": 1.6, "04": 1.3, "03": 1.1, "05": 1.0, "06": 0.9}


def kecamatan_number(code: str) -> str:
    """ "01" for 16.73.01: a kecamatan's number within its region."""
    return code.rsplit(".", 1)[-1]


CHANNELS = [Channel.WEB, Channel.TELEPON, Channel.DATANG, Channel.PATROLI]


CHANNEL_CUM = [70, 85, 93, 100]


HOUR_WEIGHTS = [1, 0.6, 0.4, 0.4, 0.6, 1.5, 3, 4.5, 5.5, 6, 6, 5.5, 5, 5.5, 6, 6, 5.5, 5, 4.5, 4, 3.5, 3, 2, 1.5]


RIVERS = ["Sungai Rupit", "Sungai Rawas", "Sungai Rupit", "Sungai Rawas", "Sungai Pelawe", "Sungai Kulus"]


COMPANIES = [
    "PT Sawit Rawas Lestari",
    "PT Agro Muara Sejahtera",
    "PT Bumi Rupit Perkasa",
    "PT Tambang Batu Nusantara",
    "PT Hijau Sumatra Plantation",
    "PT Karet Ulu Makmur",
    "PT Mineral Rawas Jaya",
]


FIRST_NAMES = [
    "Ahmad",
    "Siti",
    "Budi",
    "Nurhayati",
    "Rudi",
    "Dewi",
    "Joko",
    "Sri",
    "Agus",
    "Yuni",
    "Hendra",
    "Fitri",
    "Supriadi",
    "Lestari",
    "Irwan",
    "Rohani",
    "Zulkifli",
    "Maryam",
    "Sahrul",
    "Ernawati",
    "Darmawan",
    "Aisyah",
]


LAST_NAMES = ["", "Saputra", "Wati", "Hidayat", "Lubis", "Pratama", "Susanti", "Nasution", "Rahman", "Syahputra"]


OBJECTS = ["rumah", "warung", "ruko", "gudang karet", "dapur rumah"]


PERDA_TOPICS = [
    ("pedagang kaki lima berjualan di badan jalan dekat pasar", "Perda tentang ketertiban umum"),
    ("bangunan didirikan tanpa izin di sempadan sungai", "Perda tentang bangunan gedung"),
    ("tempat hiburan malam buka melewati jam yang diizinkan", "Perbup tentang jam operasional usaha"),
    ("pembuangan sampah sembarangan di tepi jalan lintas", "Perda tentang pengelolaan sampah"),
    ("penjualan minuman beralkohol tanpa izin", "Perda tentang pengawasan minuman beralkohol"),
    ("balap liar di jalan lintas pada malam hari", ""),
    ("reklame dipasang tanpa izin di fasilitas umum", "Perda tentang reklame"),
]


TEMPLATES = {
    "bencana-banjir": [
        (
            "Banjir di {desa}",
            "Air {sungai} meluap sejak dini hari dan masuk ke permukiman warga di {desa}. Ketinggian air di dalam rumah sekitar {tinggi} cm, {n} rumah terendam. Warga membutuhkan perahu dan bantuan makanan.",
        ),
        (
            "{sungai} meluap",
            "Hujan deras semalaman membuat {sungai} meluap. Jalan desa di {desa} terputus dan {n} rumah terendam. Sebagian warga mengungsi ke rumah kerabat.",
        ),
        (
            "Banjir merendam jalan",
            "Banjir setinggi lutut orang dewasa merendam jalan utama {desa}. Anak sekolah tidak bisa lewat. Air berasal dari luapan {sungai}.",
        ),
    ],
    "bencana-longsor": [
        (
            "Tanah longsor menutup jalan",
            "Tebing di tepi jalan {desa} longsor setelah hujan deras. Material tanah menutup separuh badan jalan, kendaraan roda empat tidak bisa lewat.",
        ),
        (
            "Longsor dekat rumah warga",
            "Tanah di belakang rumah warga di {desa} amblas sekitar {n} meter. Dua keluarga khawatir longsor susulan.",
        ),
    ],
    "bencana-karhutla": [
        (
            "Kebakaran lahan",
            "Terlihat api dan asap tebal dari lahan gambut di perbatasan {desa}. Api merambat ke kebun karet warga, perkiraan luas terbakar {ha} hektare.",
        ),
        (
            "Asap karhutla",
            "Lahan semak belukar terbakar di dekat {desa}, asap mengganggu jalan lintas. Warga berusaha memadamkan dengan alat seadanya.",
        ),
        (
            "Api di kebun",
            "Api membakar kebun dan lahan kosong sekitar {ha} hektare di {desa}. Angin kencang membuat api cepat menyebar.",
        ),
    ],
    "bencana-puting-beliung": [
        (
            "Angin puting beliung",
            "Angin puting beliung melanda {desa} sore tadi. Atap {n} rumah terbang dan beberapa pohon tumbang menimpa kabel listrik.",
        ),
    ],
    "bencana-kekeringan": [
        (
            "Sumur warga kering",
            "Sudah {n} minggu tidak hujan, sumur warga di {desa} kering. Warga mengambil air dari {sungai} yang juga mulai surut.",
        ),
    ],
    "bencana-gempa": [
        (
            "Getaran gempa",
            "Warga {desa} merasakan getaran gempa beberapa detik. Ada retakan kecil di dinding beberapa rumah.",
        ),
    ],
    "bencana-lainnya": [
        (
            "Pohon tumbang",
            "Pohon besar tumbang menutup jalan di {desa} setelah hujan disertai angin. Lalu lintas terhambat.",
        ),
    ],
    "kebakaran-permukiman": [
        (
            "Kebakaran {objek}",
            "Sebuah {objek} milik warga di {desa} terbakar. Api diduga berasal dari korsleting listrik. Warga membantu memadamkan sambil menunggu Damkar.",
        ),
        (
            "Kebakaran rumah",
            "Api membakar {n} rumah papan di {desa}. Api cepat membesar karena angin. Mohon segera dikirim mobil pemadam.",
        ),
        ("Kebakaran {objek}", "Asap hitam dari {objek} di dekat pasar {desa}. Belum diketahui ada korban atau tidak."),
    ],
    "ketertiban-umum": [
        ("Pelanggaran ketertiban", "Di {desa}, {perda}. Sudah beberapa kali ditegur warga tetapi tidak dihiraukan."),
        ("Gangguan ketertiban", "Warga {desa} melaporkan {perda}. Mohon ditertibkan oleh Satpol PP."),
    ],
    "konflik-perusahaan": [
        (
            "Sengketa lahan dengan {pt}",
            "Warga {desa} menolak pembukaan lahan oleh {pt} di atas kebun yang mereka garap turun-temurun. Sekitar {n} warga berkumpul di lokasi dan alat berat dihentikan.",
        ),
        (
            "Tuntutan plasma {pt}",
            "Kelompok tani {desa} menuntut pembagian kebun plasma yang dijanjikan {pt}. Warga mengancam memblokir jalan perusahaan.",
        ),
        ("Jalan tambang", "Truk {pt} merusak jalan desa {desa}. Warga menutup jalan dan meminta ganti rugi."),
    ],
    "konflik-antarwarga": [
        (
            "Perselisihan batas kebun",
            "Dua keluarga di {desa} berselisih soal batas kebun karet. Sempat terjadi adu mulut dan warga khawatir berlanjut.",
        ),
        (
            "Ketegangan antarpemuda",
            "Terjadi ketegangan antara pemuda {desa} dan desa tetangga setelah pertandingan sepak bola. Sekitar {n} orang terlibat.",
        ),
        (
            "Sengketa batas desa",
            "Warga {desa} dan desa tetangga berselisih soal batas wilayah yang akan dipasangi patok. Perlu mediasi camat.",
        ),
    ],
}


AGENCIES_FOR = {
    "bencana": ["bpbd", "dinsos", "tni"],
    "kebakaran": ["damkar"],
    "ketertiban": ["satpol-pp"],
    "konflik-perusahaan": ["polres", "pertanahan", "perkebunan"],
    "konflik-antarwarga": ["polres", "kecamatan", "tni"],
}


VERIFY_NOTES = [
    "Laporan telah diperiksa dan diverifikasi petugas.",
    "Petugas telah menghubungi pelapor dan memastikan kejadian.",
    "Laporan diverifikasi; tim akan dikirim ke lokasi.",
]


REJECT_NOTES = [
    "Laporan tidak dapat diverifikasi: lokasi tidak ditemukan.",
    "Bukan kewenangan Trantibumlinmas; pelapor diarahkan ke instansi terkait.",
    "Informasi tidak lengkap dan pelapor tidak dapat dihubungi.",
]


RESOLVE_NOTES = {
    "bencana": [
        "Air telah surut dan bantuan logistik disalurkan.",
        "Penanganan darurat selesai; warga kembali ke rumah.",
        "Tim BPBD telah membersihkan lokasi.",
    ],
    "bencana-karhutla": [
        "Api berhasil dipadamkan tim gabungan BPBD, TNI, dan MPA.",
        "Lokasi telah dipadamkan dan dilakukan pendinginan.",
    ],
    "kebakaran": [
        "Api dipadamkan oleh Damkar; pendataan kerugian telah dilakukan.",
        "Kebakaran berhasil dipadamkan, tidak ada korban jiwa.",
    ],
    "ketertiban": [
        "Pelanggar telah diberi teguran tertulis oleh Satpol PP.",
        "Penertiban telah dilakukan dan lokasi kembali tertib.",
        "Pelanggar membuat surat pernyataan tidak mengulangi.",
    ],
    "konflik": [
        "Mediasi di kantor camat menghasilkan kesepakatan kedua pihak.",
        "Situasi kondusif setelah pertemuan warga, perusahaan, dan Forkopimcam.",
        "Para pihak sepakat menyelesaikan melalui musyawarah desa.",
    ],
}
