"""Villagers' conversations replayed through the signed SMS webhook, with
what each reply costs. A step is (what the villager types, what they type
instead if the portal did not understand it)."""

from dataclasses import dataclass, field

from kitaaman.gsm import segments

NOT_UNDERSTOOD = ("tidak dikenali", "tidak ditemukan", "Belum dimengerti", "belum dimengerti")

STORY = "Air sungai meluap setinggi lutut sejak subuh, dua rumah terendam."
SPLIT_PARTS = [
    "LAPOR#banjir#Muara Rupit#Air Sungai Rupit naik sejak tengah malam dan sekarang sudah masuk ke rumah warga di RT 03",
    "40 rumah terendam, jalan ke pasar putus, ada 2 orang tua yang sakit dan belum bisa keluar rumah, tolong kirim",
    "perahu karet dan obat-obatan secepatnya karena air masih terus naik pak",
]

SCENARIOS = {
    "clean guided report": [("LAPOR", None), ("3", None), ("Muara Rupit", None), (STORY, None), ("YA", None)],
    "typo report": [
        ("lapor", None),
        ("banjr", "3"),
        ("muara rupit dusun 2", "Muara Rupit"),
        (STORY, None),
        ("ya pak", "YA"),
    ],
    "conflict report": [
        ("LAPOR", None),
        ("konflik", "1"),
        ("1", None),
        ("Noman", None),
        ("Kebun warga digusur alat berat perusahaan sejak kemarin, warga menghadang.", None),
        ("tanah kebun", "1"),
        ("PT Sawit Makmur", None),
        ("tidak", None),
        ("ya pak", "YA"),
        ("ya", "YA"),
    ],
    "guided report, then TAMBAH": [
        ("LAPOR", None),
        ("3", None),
        ("Muara Rupit", None),
        (STORY, None),
        ("YA", None),
        ("tambah", None),
        ("kemarin sore", None),
        ("tidak ada", None),
        ("lewat", None),
        ("dua", None),
        ("selesai", None),
    ],
    "split story": [(part, None) for part in SPLIT_PARTS],
    "one-message report": [("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh", None)],
}


@dataclass
class Cost:
    sent: int = 0
    replies: list = field(default_factory=list)

    @property
    def received(self) -> int:
        return len(self.replies)

    @property
    def segments(self) -> int:
        return sum(segments(r) for r in self.replies)


def play(sms, steps, *, stop_when=None) -> Cost:
    """Send each step; a fallback is sent only when the reply shows the first
    text was not understood. `stop_when()` ends the play early (report made)."""
    cost = Cost()
    for text, fallback in steps:
        if stop_when is not None and stop_when():
            break
        replies = sms(text)
        cost.sent += 1
        cost.replies += replies
        if fallback and any(marker in r for r in replies for marker in NOT_UNDERSTOOD):
            replies = sms(fallback)
            cost.sent += 1
            cost.replies += replies
    return cost
