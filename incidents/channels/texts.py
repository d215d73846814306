"""What the portal says by SMS and WhatsApp: short, plain Bahasa Indonesia,
one instruction per message, everyday words. Every SMS part is paid for, so
the texts say what the villager needs and no more (a clean guided report
costs at most six parts in all); gsm.sms_text makes them GSM-7 before they
leave. Built while the portal's language is active (the processing task
sets it), so every string is in the catalogue."""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Status
from kitaaman import region
from kitaaman.gsm import MULTI, SINGLE

# A status in the words a villager uses.
STATUS_WORDS = {
    Status.BARU: gettext_lazy("belum diperiksa petugas"),
    Status.DIVERIFIKASI: gettext_lazy("sudah dicek petugas"),
    Status.DITANGANI: gettext_lazy("sedang ditangani"),
    Status.SELESAI: gettext_lazy("selesai"),
    Status.DITOLAK: gettext_lazy("tidak dapat ditindaklanjuti"),
    Status.DUPLIKAT: gettext_lazy("digabung dengan laporan lain yang sama"),
}
# An officer's note longer than this goes out cut at a word, with the CEK hint
# (CEK sends it whole).
NOTE_IN_STATUS = 2 * MULTI


def fixed_reply(message) -> Callable[[], str]:
    """A reply that is always the same words: `message`, in the language active when it is sent."""

    def reply() -> str:
        return str(message)

    return reply


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _region() -> dict:
    """The region words of a reply (from the region profile)."""
    profile = region.current()
    return {"region": profile.official_name, "short": profile.short_name}


def cut_at_word(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters, cut between words with "..."."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "..."


def status_words(status: str) -> str:
    return str(STATUS_WORDS.get(status, Status(status).label))


def when(value) -> str:
    return date_format(timezone.localtime(value), "j M Y H.i") + " WIB"


# Said once in every conversation: who sees the number, and how to keep it secret.
privacy = fixed_reply(
    gettext_lazy("Nomor Anda hanya dilihat petugas, tak pernah diumumkan. Mau dirahasiakan? Balas RAHASIA.")
)


def help_text() -> str:
    return "\n".join(
        [
            _("KITA AMAN %(short)s. Untuk melapor balas LAPOR, atau LAPOR#jenis#desa#cerita.") % _region(),
            _("Cek laporan: CEK kode. Berhenti terima kabar: STOP."),
        ]
    )


resumed = fixed_reply(gettext_lazy("Laporan Anda yang belum selesai masih tersimpan."))


expired = fixed_reply(gettext_lazy("Laporan yang belum selesai sudah lewat sehari dan dihapus."))


def menu_name(category) -> str:
    # "Gangguan ketertiban umum / pelanggaran Perda" -> its first half on the menu.
    return category.name.split(" / ")[0]


def category_menu(categories, *, problem: str = "") -> str:
    lines = [problem] if problem else []
    lines.append(_("Kejadian apa? Balas angka atau namanya:"))
    lines += [f"{i}. {menu_name(c)}" for i, c in enumerate(categories, start=1)]
    return "\n".join(lines)


ask_category_short = fixed_reply(
    gettext_lazy("Kejadian apa? Tulis namanya, mis. banjir, kebakaran, konflik. Balas MENU untuk daftar.")
)


def category_choice(categories) -> str:
    lines = [_("Yang mana? Balas angkanya:")]
    lines += [f"{i}. {menu_name(c)}" for i, c in enumerate(categories, start=1)]
    return "\n".join(lines)


def category_not_understood(typed: str, count: int) -> str:
    return _('Belum dimengerti jenis kejadian "%(typed)s". Balas angka 1-%(n)s atau kata seperti banjir.') % {
        "typed": cut_at_word(typed, 20),
        "n": count,
    }


def ask_desa(*, whatsapp: bool, problem: str = "") -> str:
    lines = [problem] if problem else []
    lines.append(
        region.for_kind(
            _("Di desa/kelurahan mana? Tulis namanya, boleh dengan dusun/RT. Balas 0 untuk daftar kecamatan."),
            _("Di kelurahan mana? Tulis namanya, boleh dengan RT/RW. Balas 0 untuk daftar kecamatan."),
        )
    )
    if whatsapp:
        lines.append(_("Anda juga dapat mengirim lokasi (Bagikan lokasi)."))
    return "\n".join(lines)


def desa_not_found(typed: str) -> str:
    return _('Belum dimengerti nama desa "%(typed)s" di %(short)s.') % {"typed": cut_at_word(typed, 30), **_region()}


def kecamatan_menu(kecamatan, *, problem: str = "") -> str:
    lines = [problem] if problem else []
    lines.append(_("Pilih kecamatan, balas angkanya:"))
    lines += [f"{i}. {k.name}" for i, k in enumerate(kecamatan, start=1)]
    return "\n".join(lines)


def desa_menu(desa_list, *, problem: str = "", with_kecamatan: bool = False) -> str:
    lines = [problem] if problem else []
    lines.append(_("Pilih desa, balas angkanya:"))
    for i, desa in enumerate(desa_list, start=1):
        suffix = f" ({_('Kec.')} {desa.kecamatan.name})" if with_kecamatan else ""
        lines.append(f"{i}. {desa.name}{suffix}")
    lines.append(_("Balas 0 untuk daftar kecamatan."))
    return "\n".join(lines)


def ask_description(*, whatsapp: bool) -> str:
    if whatsapp:
        return _("Ceritakan apa yang terjadi. Anda boleh mengirim foto.")
    return _("Ceritakan apa yang terjadi. Boleh dalam beberapa SMS.")


description_too_short = fixed_reply(
    gettext_lazy("Ceritanya terlalu pendek. Tulis apa yang terjadi dalam satu atau dua kalimat.")
)


voice_note = fixed_reply(gettext_lazy("Maaf, kami tidak dapat mendengar pesan suara. Mohon ketik ceritanya."))


def ask_question(question: dict, *, problem: str = "") -> str:
    lines = [problem] if problem else []
    qtype = question.get("type", "text")
    label = question["label"]
    if qtype == "choice":
        lines.append(_("%(label)s Balas angkanya:") % {"label": label})
        lines += [f"{i}. {choice[1]}" for i, choice in enumerate(question.get("choices", []), start=1)]
    elif qtype == "boolean":
        lines.append(_("%(label)s Balas YA atau TIDAK.") % {"label": label})
    elif qtype == "integer":
        lines.append(_("%(label)s Balas dengan angka (0 bila tidak ada).") % {"label": label})
    else:
        lines.append(_("%(label)s? Balas TIDAK TAHU bila tidak tahu.") % {"label": label.rstrip("?")})
    return "\n".join(lines)


def answer_not_understood(what: str = "") -> str:
    if what:
        return _('Belum dimengerti jawaban "%(what)s".') % {"what": cut_at_word(what, 20)}
    return _("Belum dimengerti.")


ask_secret = fixed_reply(gettext_lazy("Rahasiakan nama & nomor Anda dari pihak lain? Balas YA atau TIDAK."))


secret_noted = fixed_reply(gettext_lazy("Baik, nama & nomor Anda dirahasiakan, hanya petugas yang tahu."))


def secret_report(code: str) -> str:
    return _("Baik, nama & nomor Anda pada laporan %(code)s dirahasiakan.") % {"code": code}


def story_added(code: str = "") -> str:
    if code:
        return _("Tambahan cerita dicatat pada laporan %(code)s.") % {"code": code}
    return _("Tambahan cerita dicatat.")


def confirm(data_lines: list[str], *, whatsapp: bool, photos: int) -> str:
    lines = [*data_lines]
    if whatsapp:
        if photos:
            lines.append(_("Foto: %(n)s") % {"n": photos})
        lines.append(_("Anda masih boleh mengirim foto sebelum mengirim laporan."))
    lines.append(_("Benar? Balas YA untuk kirim, BATAL untuk batal."))
    return "\n".join(lines)


def summary_lines(
    *,
    category,
    desa,
    description: str,
    answers: list[tuple[str, str]],
    landmark: str = "",
    secret: bool = False,
    room: int = SINGLE,
) -> list[str]:
    """The report in a few short lines; the story is cut (at a word) to fit `room` characters in all."""
    place = f"{desa.name} {landmark}".strip()
    lines = [f"{menu_name(category)}, {place}."]
    lines += [f"{label.rstrip('?')}: {value}" for label, value in answers]
    if secret:
        lines.append(_("Nama & nomor dirahasiakan."))
    # What follows the story: the "YA to send" line (texts.confirm).
    fixed = sum(len(line) + 1 for line in lines) + 60
    lines.append(f'"{cut_at_word(description, max(40, room - fixed - 2))}"')
    return lines


def photo_received(count: int, max_photos: int) -> str:
    return _("Foto diterima (%(n)s dari paling banyak %(max)s).") % {"n": count, "max": max_photos}


confirm_hint = fixed_reply(gettext_lazy("Balas YA untuk mengirim laporan, atau BATAL untuk membatalkan."))


def photo_limit(max_photos: int) -> str:
    return _("Paling banyak %(max)s foto; foto ini tidak disertakan.") % {"max": max_photos}


def photo_rejected(reason: str) -> str:
    return _("Foto tidak dapat dipakai: %(reason)s") % {"reason": reason}


photo_outside_report = fixed_reply(
    gettext_lazy("Foto hanya dapat dikirim bersama laporan. Balas LAPOR untuk mulai melapor.")
)


def location_outside() -> str:
    return _("Lokasi yang dikirim berada di luar %(region)s.") % _region()


def not_submitted(messages: list[str]) -> str:
    return _("Laporan belum dapat dikirim: %(errors)s") % {"errors": " ".join(messages)}


def report_received(incident, *, whatsapp: bool = False, with_privacy: bool = False) -> str:
    text = _("Laporan diterima, kode %(code)s. Cek: CEK %(code)s") % {"code": incident.tracking_code}
    if whatsapp:
        text += " " + _site(reverse("track_code", args=[incident.tracking_code]))
    if with_privacy:
        text += "\n" + privacy()
    return text


cancelled = fixed_reply(gettext_lazy("Laporan dibatalkan. Balas LAPOR untuk mulai lagi."))


nothing_to_cancel = fixed_reply(gettext_lazy("Tidak ada laporan yang sedang Anda isi."))


check_usage = fixed_reply(gettext_lazy("Tulis CEK diikuti kode laporan, contoh: CEK KA-ABCD-EFGHJ."))


def check_not_found(code: str) -> str:
    return _("Laporan dengan kode %(code)s tidak ditemukan. Periksa kembali kodenya.") % {"code": code[:20]}


def check_answer(incident, *, changed_at, note: str) -> str:
    """The status and the officers' last public note, whole (across parts if need be)."""
    text = _("Laporan %(code)s: %(status)s (sejak %(when)s).") % {
        "code": incident.tracking_code,
        "status": status_words(incident.status),
        "when": when(changed_at),
    }
    if note:
        text += " " + _("Catatan petugas: %(note)s") % {"note": " ".join(note.split())}
    return text


def status_update(incident, *, status: str, note: str) -> str:
    text = _("Laporan %(code)s %(status)s.") % {"code": incident.tracking_code, "status": status_words(status)}
    if note:
        whole = " ".join(note.split())
        if len(whole) > NOTE_IN_STATUS:
            whole = (
                cut_at_word(whole, NOTE_IN_STATUS)
                + " "
                + _("Selengkapnya: CEK %(code)s") % {"code": incident.tracking_code}
            )
        text += " " + _("Catatan petugas: %(note)s") % {"note": whole}
    return text + " " + _("Balas STOP bila tak ingin kabar lagi.")


def status_template_params(incident, *, status: str, note: str) -> list[str]:
    """The body parameters of the WhatsApp status template: {{1}} code,
    {{2}} status, {{3}} note (a dash when there is none)."""
    return [incident.tracking_code, status_words(status), cut_at_word(note, 300) or "-"]


opted_out = fixed_reply(
    gettext_lazy("Anda tidak akan menerima kabar laporan lagi di nomor ini. Balas MULAI untuk menerimanya kembali.")
)


opted_in = fixed_reply(gettext_lazy("Anda akan kembali menerima kabar laporan di nomor ini."))


too_many_messages = fixed_reply(
    gettext_lazy("Terlalu banyak pesan dalam waktu singkat. Pesan Anda berikutnya tidak diproses untuk sementara.")
)


confused_notice = fixed_reply(
    gettext_lazy("Pesan Anda belum kami mengerti. Balas LAPOR untuk melapor, atau hubungi kantor Satpol PP.")
)


processing_failed = fixed_reply(
    gettext_lazy("Maaf, pesan Anda belum dapat diproses karena gangguan. Silakan coba lagi nanti.")
)


story_kept = fixed_reply(gettext_lazy("Cerita Anda dicatat."))


subscribe_usage = fixed_reply(
    gettext_lazy("Untuk menerima peringatan bencana desa Anda, tulis DAFTAR nama-desa, contoh: DAFTAR Muara Rupit.")
)


def subscribe_which(names: list[str]) -> str:
    return _("Desa yang mana? Tulis DAFTAR dengan salah satu: %(names)s.") % {"names": ", ".join(names)}


def subscribe_ask(desa: str) -> str:
    return _("Terima peringatan bencana untuk desa %(desa)s lewat SMS ke nomor ini? Balas YA atau TIDAK.") % {
        "desa": desa
    }


def subscribed(desa: str) -> str:
    return _("Nomor ini terdaftar menerima peringatan desa %(desa)s. Balas BERHENTI untuk berhenti.") % {"desa": desa}


subscribe_cancelled = fixed_reply(gettext_lazy("Tidak didaftarkan."))


subscribe_unavailable = fixed_reply(
    gettext_lazy("Maaf, pendaftaran peringatan lewat SMS belum dapat dilakukan untuk nomor ini.")
)


warnings_stopped = fixed_reply(gettext_lazy("Peringatan bencana ke nomor ini juga dihentikan."))


reply_usage = fixed_reply(
    gettext_lazy(
        "Untuk menambah cerita pada laporan Anda, tulis BALAS kode-laporan pesan, contoh: BALAS KA-ABCD-EFGHJ air sudah surut."
    )
)


def officer_message(incident, text: str) -> str:
    """An officer's message from the desk, whole (the ledger sends it across parts)."""
    return _("Pesan petugas soal laporan %(code)s: %(text)s Balas pesan ini untuk menjawab.") % {
        "code": incident.tracking_code,
        "text": " ".join(text.split()),
    }


def answer_passed_on(code: str) -> str:
    return _("Jawaban Anda diteruskan ke petugas (laporan %(code)s).") % {"code": code}


offer_more = fixed_reply(gettext_lazy("Mau tambah waktu kejadian & keterangan lain? Balas TAMBAH"))


ask_when = fixed_reply(
    gettext_lazy(
        "Kapan kejadiannya? mis. tadi pagi, kemarin sore, 5/12 14.00. Balas LEWAT bila tak tahu, SELESAI bila cukup."
    )
)


def when_not_understood(typed: str) -> str:
    return _('Belum dimengerti waktu "%(typed)s".') % {"typed": cut_at_word(typed, 20)}


def ask_optional(question: dict) -> str:
    """One of the category's optional questions, skippable with LEWAT."""
    qtype = question.get("type", "text")
    label = question["label"].rstrip("?")
    if qtype == "choice":
        lines = [_("%(label)s? Balas angkanya, atau LEWAT:") % {"label": label}]
        lines += [f"{i}. {choice[1]}" for i, choice in enumerate(question.get("choices", []), start=1)]
        return "\n".join(lines)
    if qtype == "boolean":
        return _("%(label)s? Balas YA, TIDAK, atau LEWAT.") % {"label": label}
    if qtype == "integer":
        return _("%(label)s? Balas angka, atau LEWAT.") % {"label": label}
    return _("%(label)s? Balas singkat, atau LEWAT.") % {"label": label}


def details_added(code: str) -> str:
    return _("Terima kasih, keterangan dicatat pada laporan %(code)s.") % {"code": code}


nothing_to_add = fixed_reply(gettext_lazy("Tidak ada laporan Anda dalam sehari ini untuk ditambah."))
