"""Admin forms that add a kecamatan or desa/kelurahan by hand (a new one
between two editions of the official list): the Kemendagri code's format, the
region it belongs to, and its parent are checked before anything is saved."""

import re

from django import forms
from django.utils.translation import gettext as _

from incidents.models import Desa, Kecamatan
from kitaaman import region

KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
DESA_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


def _check_point(cleaned: dict) -> None:
    lat, lng = cleaned.get("lat"), cleaned.get("lng")
    if lat is None or lng is None:
        return
    box = region.bbox()
    if not (box["min_lat"] <= lat <= box["max_lat"] and box["min_lng"] <= lng <= box["max_lng"]):
        raise forms.ValidationError(
            {"lat": _("Titik pusat berada di luar batas peta %(region)s.") % {"region": region.current().official_name}}
        )


class KecamatanForm(forms.ModelForm):
    class Meta:
        model = Kecamatan
        fields = ["code", "name", "lat", "lng", "population", "retired"]

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if self.instance.pk:
            return self.instance.pk
        if not KECAMATAN_CODE.match(code):
            raise forms.ValidationError(
                _("Kode kecamatan harus berbentuk pp.kk.cc, mis. %(example)s.01.") % {"example": region.current().code}
            )
        if not code.startswith(region.current().code + "."):
            raise forms.ValidationError(
                _("Kode kecamatan harus diawali kode %(region)s (%(code)s).")
                % {"region": region.current().official_name, "code": region.current().code}
            )
        return code

    def clean(self):
        cleaned = super().clean()
        _check_point(cleaned)
        return cleaned


class DesaForm(forms.ModelForm):
    class Meta:
        model = Desa
        fields = ["code", "kecamatan", "name", "jenis", "lat", "lng", "population", "retired"]

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if self.instance.pk:
            return self.instance.pk
        if not DESA_CODE.match(code):
            raise forms.ValidationError(_("Kode desa/kelurahan harus berbentuk pp.kk.cc.dddd."))
        return code

    def clean(self):
        cleaned = super().clean()
        code, kecamatan = cleaned.get("code"), cleaned.get("kecamatan")
        if not self.instance.pk and code and kecamatan and not code.startswith(kecamatan.code + "."):
            raise forms.ValidationError(
                {
                    "code": _("Kode desa/kelurahan harus diawali kode kecamatannya (%(code)s).")
                    % {"code": kecamatan.code}
                }
            )
        _check_point(cleaned)
        return cleaned
