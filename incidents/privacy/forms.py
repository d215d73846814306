from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.privacy.selectors import MIN_PHONE_DIGITS, normalize_phone


class ReporterLookupForm(forms.Form):
    """The contact the reporter gives when asking for their data."""

    email = forms.EmailField(label=_("E-mail pelapor"), required=False, max_length=254)
    telepon = forms.CharField(label=_("Nomor telepon pelapor"), required=False, max_length=30)

    def clean(self):
        data = super().clean()
        if not data.get("email") and len(normalize_phone(data.get("telepon", ""))) < MIN_PHONE_DIGITS:
            raise forms.ValidationError(_("Tulis alamat e-mail atau nomor telepon pelapor (paling sedikit 8 angka)."))
        return data


class EraseForm(ReporterLookupForm):
    yakin = forms.BooleanField(
        label=_("Saya sudah memastikan identitas peminta dan memahami bahwa data ini tidak dapat dikembalikan."),
        required=True,
    )
