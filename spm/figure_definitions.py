"""What each figure of spm/figures.py counts, over what, as at when: its
label and one-line definition, in Indonesian with the English catalogue."""

from django.utils.translation import gettext_lazy

from incidents.models import SpmService
from kitaaman import region

# key: (label, what is counted, over what, as at when)
DEFINITIONS = {
    "reports_received": (
        gettext_lazy("Laporan diterima"),
        gettext_lazy("laporan yang diterima dalam periode (menurut waktu diterima), tanpa ditolak dan duplikat"),
    ),
    "reports_rejected_or_duplicate": (
        gettext_lazy("Ditolak atau duplikat"),
        gettext_lazy(
            "laporan yang diterima dalam periode dan ditolak atau ditandai duplikat (tidak dihitung di angka lain)"
        ),
    ),
    "reports_open": (
        gettext_lazy("Masih terbuka"),
        gettext_lazy(
            "laporan diterima dalam periode yang belum selesai pada saat angka dihitung, dari laporan diterima"
        ),
    ),
    "reports_per_1000": (
        gettext_lazy("Laporan per 1.000 penduduk"),
        gettext_lazy("laporan diterima dalam periode per 1.000 penduduk wilayah (data penduduk tahun periode)"),
    ),
    "reports_entered_late": (
        gettext_lazy("Dimasukkan setelah periode berakhir"),
        gettext_lazy("laporan diterima dalam periode tetapi dimasukkan ke portal setelah periode berakhir (revisi)"),
    ),
    "fire_reports": (
        gettext_lazy("Laporan kebakaran"),
        gettext_lazy("laporan layanan kebakaran yang diterima dalam periode"),
    ),
    "fire_reports_without_arrival": (
        gettext_lazy("Kebakaran tanpa waktu tiba"),
        gettext_lazy("laporan kebakaran dalam periode yang belum mencatat waktu tiba di lokasi"),
    ),
    "fire_on_time_share": (
        gettext_lazy("Tiba sesuai standar waktu tanggap"),
        gettext_lazy(
            "laporan kebakaran yang tiba dalam standar (dibandingkan sampai detik), dari yang waktu tibanya tercatat"
        ),
    ),
    "fire_response_median_minutes": (
        gettext_lazy("Median waktu tanggap kebakaran"),
        gettext_lazy(
            "median tepat (bukan perkiraan) menit dari laporan diterima sampai tiba, dari yang waktu tibanya tercatat"
        ),
    ),
    "verified_on_time_share": (
        gettext_lazy("Diverifikasi dalam batas waktu"),
        gettext_lazy(
            "laporan yang diverifikasi paling lambat batas verifikasinya, dari laporan yang sudah diverifikasi "
            "atau sudah lewat batas verifikasinya pada saat angka dihitung"
        ),
    ),
    "followup_on_time_share": (
        gettext_lazy("Ditindaklanjuti dalam batas waktu"),
        gettext_lazy(
            "laporan yang selesai paling lambat batas tindak lanjutnya, dari laporan yang sudah selesai "
            "atau sudah lewat batas tindak lanjutnya pada saat angka dihitung"
        ),
    ),
    "overdue_at_period_end": (
        gettext_lazy("Melewati batas waktu"),
        gettext_lazy(
            "laporan yang masih terbuka dan sudah lewat batas waktunya pada akhir periode (periode berjalan: saat "
            "ini), termasuk yang diterima sebelum periode, dari semua laporan terbuka pada saat itu"
        ),
    ),
    "overdue_received_in_period": (
        gettext_lazy("Melewati batas: diterima dalam periode"),
        gettext_lazy("bagian dari laporan melewati batas yang diterima dalam periode"),
    ),
    "overdue_carried_over": (
        gettext_lazy("Melewati batas: bawaan periode sebelumnya"),
        gettext_lazy("bagian dari laporan melewati batas yang diterima sebelum periode dimulai"),
    ),
}


def service_key(code: str, what: str = "achievement") -> str:
    return f"spm_{code.replace('-', '_')}_{what}"


def budget_key(code: str) -> str:
    return f"budget_{code.replace('-', '_')}_realisation"


for _code, _label in SpmService.choices:
    DEFINITIONS[service_key(_code)] = (
        gettext_lazy("Capaian SPM"),
        gettext_lazy(
            "warga terlayani sesuai standar dibagi warga yang harus dilayani (layanan kegiatan: kumulatif sejak "
            "Januari terhadap sasaran tahunan); di atas 100 persen ditampilkan 100 persen dengan tanda periksa data"
        ),
    )
    DEFINITIONS[service_key(_code, "index")] = (
        gettext_lazy("Indeks SPM"),
        region.by_kind(
            gettext_lazy(
                "bobot penerima x capaian (maks. 100) + bobot mutu x skor mutu triwulan terakhir tahun itu yang sudah "
                "berakhir pada akhir periode (mutu kecamatan itu bila sudah dinilai, selain itu mutu tingkat kabupaten)"
            ),
            gettext_lazy(
                "bobot penerima x capaian (maks. 100) + bobot mutu x skor mutu triwulan terakhir tahun itu yang sudah "
                "berakhir pada akhir periode (mutu kecamatan itu bila sudah dinilai, selain itu mutu tingkat kota)"
            ),
        ),
    )
# After every service's achievement and index, as the definition lists show them.
for _code, _label in SpmService.choices:
    DEFINITIONS[budget_key(_code)] = (
        gettext_lazy("Realisasi anggaran"),
        gettext_lazy(
            "realisasi anggaran layanan dibagi pagu anggaran layanan pada tahun itu (rupiah, seluruh kabupaten); "
            "bisa di atas 100 persen bila anggaran berubah"
        ),
    )


def definitions() -> list[dict]:
    """Each figure's key with its definition, in the active language."""
    return [{"key": key, "label": str(label), "definition": str(text)} for key, (label, text) in DEFINITIONS.items()]
