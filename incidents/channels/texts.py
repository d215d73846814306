"""What the portal says by SMS and WhatsApp: short, plain Bahasa Indonesia,
one instruction per message. Built while the portal's language is active
(the processing task sets it), so every string is in the catalogue."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from incidents.models import Status
from kitaaman import region

NOTE_EXCERPT = 300


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _region() -> dict:
    """The region words of a reply (from the region profile)."""
    profile = region.current()
    return {"region": profile.official_name, "short": profile.short_name}


def _excerpt(text: str, limit: int = NOTE_EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def when(value) -> str:
    return date_format(timezone.localtime(value), "j M Y H.i") + " WIB"


def help_text(*, expired: bool = False) -> str:
    lines = []
    if expired:
        lines.append(
            _("Laporan yang sedang Anda isi dibatalkan karena tidak ada balasan selama %(minutes)s menit.")
            % {"minutes": settings.CHANNELS_CONVERSATION_IDLE_MINUTES}
        )
    lines += [
        _("KITA AMAN %(short)s. Untuk melapor kejadian, balas LAPOR.") % _region(),
        _("Sekali kirim: LAPOR#jenis#desa#uraian, contoh LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang."),
        _("Cek laporan: CEK kode-laporan. Berhenti menerima kabar: STOP."),
    ]
    return "\n".join(lines)


def category_menu(categories, *, problem: str = "") -> str:
    lines = [problem] if problem else []
    lines.append(_("Pilih jenis kejadian, balas dengan angkanya:"))
    lines += [f"{i}. {c.name}" for i, c in enumerate(categories, start=1)]
    lines.append(_("Balas BATAL untuk berhenti."))
    return "\n".join(lines)


def ask_desa(*, whatsapp: bool, problem: str = "") -> str:
    lines = [problem] if problem else []
    lines.append(_("Di desa/kelurahan mana kejadiannya? Tulis nama desanya, contoh: Muara Rupit."))
    if whatsapp:
        lines.append(_("Anda juga dapat mengirim lokasi (Bagikan lokasi)."))
    lines.append(_("Balas 0 untuk memilih dari daftar per kecamatan."))
    return "\n".join(lines)


def desa_not_found(typed: str) -> str:
    return _('Desa/kelurahan "%(typed)s" tidak ditemukan di %(region)s.') % {"typed": typed[:60], **_region()}


def kecamatan_menu(kecamatan, *, problem: str = "") -> str:
    lines = [problem] if problem else []
    lines.append(_("Pilih kecamatan, balas dengan angkanya:"))
    lines += [f"{i}. {k.name}" for i, k in enumerate(kecamatan, start=1)]
    return "\n".join(lines)


def desa_menu(desa_list, *, problem: str = "", with_kecamatan: bool = False) -> str:
    lines = [problem] if problem else []
    lines.append(_("Pilih desa/kelurahan, balas dengan angkanya:"))
    for i, desa in enumerate(desa_list, start=1):
        suffix = f" ({_('Kec.')} {desa.kecamatan.name})" if with_kecamatan else ""
        lines.append(f"{i}. {desa.name}{suffix}")
    lines.append(_("Balas 0 untuk daftar kecamatan."))
    return "\n".join(lines)


def ask_description(*, whatsapp: bool) -> str:
    if whatsapp:
        return _(
            "Ceritakan singkat apa yang terjadi (apa, sejak kapan, ada korban atau tidak). Anda boleh mengirim foto."
        )
    return _("Ceritakan singkat apa yang terjadi (apa, sejak kapan, ada korban atau tidak).")


def description_too_short() -> str:
    return _("Uraian terlalu singkat. Ceritakan apa yang terjadi dalam satu atau dua kalimat.")


def ask_question(question: dict, *, problem: str = "") -> str:
    lines = [problem] if problem else []
    qtype = question.get("type", "text")
    label = question["label"]
    if qtype == "choice":
        lines.append(_("%(label)s Balas dengan angkanya:") % {"label": label})
        lines += [f"{i}. {choice[1]}" for i, choice in enumerate(question.get("choices", []), start=1)]
    elif qtype == "boolean":
        lines.append(_("%(label)s Balas YA atau TIDAK.") % {"label": label})
    elif qtype == "integer":
        lines.append(_("%(label)s Balas dengan angka.") % {"label": label})
    else:
        lines.append(label)
    return "\n".join(lines)


def answer_not_understood() -> str:
    return _("Jawaban tidak dikenali.")


def confirm(data_lines: list[str], *, whatsapp: bool, photos: int) -> str:
    lines = [_("Periksa laporan Anda:"), *data_lines]
    if whatsapp:
        if photos:
            lines.append(_("Foto: %(n)s") % {"n": photos})
        lines.append(_("Anda masih boleh mengirim foto sebelum mengirim laporan."))
    lines.append(_("Dengan membalas YA, Anda setuju nomor ini dicatat untuk menindaklanjuti laporan."))
    lines.append(_("Balas YA untuk mengirim, atau BATAL untuk membatalkan."))
    return "\n".join(lines)


def summary_lines(*, category, desa, description: str, answers: list[tuple[str, str]]) -> list[str]:
    lines = [
        _("Jenis: %(name)s") % {"name": category.name},
        _("Lokasi: %(desa)s, Kec. %(kecamatan)s") % {"desa": desa.name, "kecamatan": desa.kecamatan.name},
        _("Uraian: %(text)s") % {"text": _excerpt(description, 200)},
    ]
    lines += [f"{label}: {value}" for label, value in answers]
    return lines


def photo_received(count: int, max_photos: int) -> str:
    return _("Foto diterima (%(n)s dari paling banyak %(max)s).") % {"n": count, "max": max_photos}


def confirm_hint() -> str:
    return _("Balas YA untuk mengirim laporan, atau BATAL untuk membatalkan.")


def photo_limit(max_photos: int) -> str:
    return _("Paling banyak %(max)s foto; foto ini tidak disertakan.") % {"max": max_photos}


def photo_rejected(reason: str) -> str:
    return _("Foto tidak dapat dipakai: %(reason)s") % {"reason": reason}


def photo_outside_report() -> str:
    return _("Foto hanya dapat dikirim bersama laporan. Balas LAPOR untuk mulai melapor.")


def location_outside() -> str:
    return _("Lokasi yang dikirim berada di luar %(region)s.") % _region()


def not_submitted(messages: list[str]) -> str:
    return _("Laporan belum dapat dikirim: %(errors)s") % {"errors": " ".join(messages)}


def report_received(incident) -> str:
    path = reverse("track_code", args=[incident.tracking_code])
    return _(
        "Terima kasih. Laporan Anda diterima dengan kode %(code)s. Simpan kode ini. "
        "Cek status: balas CEK %(code)s atau buka %(link)s"
    ) % {"code": incident.tracking_code, "link": _site(path)}


def cancelled() -> str:
    return _("Laporan dibatalkan. Balas LAPOR untuk mulai lagi.")


def nothing_to_cancel() -> str:
    return _("Tidak ada laporan yang sedang Anda isi.")


def check_usage() -> str:
    return _("Tulis CEK diikuti kode laporan, contoh: CEK KA-ABCD-EFGHJ.")


def check_not_found(code: str) -> str:
    return _("Laporan dengan kode %(code)s tidak ditemukan. Periksa kembali kodenya.") % {"code": code[:20]}


def check_answer(incident, *, changed_at, note: str) -> str:
    text = _("Laporan %(code)s: %(status)s (sejak %(when)s).") % {
        "code": incident.tracking_code,
        "status": Status(incident.status).label,
        "when": when(changed_at),
    }
    if note:
        text += " " + _("Catatan petugas: %(note)s") % {"note": _excerpt(note)}
    return text


def status_update(incident, *, status: str, note: str) -> str:
    text = _("KITA AMAN: laporan %(code)s kini %(status)s.") % {
        "code": incident.tracking_code,
        "status": Status(status).label,
    }
    if note:
        text += " " + _("Catatan petugas: %(note)s") % {"note": _excerpt(note)}
    text += " " + _("Balas STOP bila tidak ingin menerima kabar lagi.")
    return text


def status_template_params(incident, *, status: str, note: str) -> list[str]:
    """The body parameters of the WhatsApp status template: {{1}} code,
    {{2}} status, {{3}} note (a dash when there is none)."""
    return [incident.tracking_code, str(Status(status).label), _excerpt(note) or "-"]


def opted_out() -> str:
    return _("Anda tidak akan menerima kabar laporan lagi di nomor ini. Balas MULAI untuk menerimanya kembali.")


def opted_in() -> str:
    return _("Anda akan kembali menerima kabar laporan di nomor ini.")


def too_many_messages() -> str:
    return _("Terlalu banyak pesan dalam waktu singkat. Pesan Anda berikutnya tidak diproses untuk sementara.")


def processing_failed() -> str:
    return _("Maaf, pesan Anda belum dapat diproses karena gangguan. Silakan coba lagi nanti.")
