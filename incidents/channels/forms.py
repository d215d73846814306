from django import forms
from django.utils.translation import gettext_lazy as _


class BlockNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor telepon"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "0812…"}),
    )
    reason = forms.CharField(label=_("Alasan"), max_length=200, required=False)


class ReporterMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Pesan"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Dikirim ke pelapor lewat saluran laporannya; nomornya tidak ditampilkan. Balasan pelapor masuk ke riwayat."
        ),
        error_messages={"required": _("Isi pesan wajib diisi.")},
    )
