"""Forms of the warning pages. They check formats; the rules (who may, what a
warning needs) live in the services, whose errors the views put back here."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Desa, Kecamatan

from .models import CancelReason, CapCategory, Certainty, EventType, Severity, Urgency
from .validators import validate_warning_text

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H.%M", "%d-%m-%Y %H:%M"]
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _text(label, *, required=True, rows=3, max_length=5000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[validate_warning_text],
    )


class AlertForm(forms.Form):
    event = forms.ChoiceField(label=_("Jenis kejadian"), choices=EventType.choices)
    category = forms.ChoiceField(
        label=_("Kategori CAP"),
        choices=[("", _("Menurut jenis kejadian"))] + list(CapCategory.choices),
        required=False,
    )
    urgency = forms.ChoiceField(label=_("Urgensi"), choices=Urgency.choices, initial=Urgency.EXPECTED)
    severity = forms.ChoiceField(label=_("Tingkat keparahan"), choices=Severity.choices, initial=Severity.MODERATE)
    certainty = forms.ChoiceField(label=_("Kepastian"), choices=Certainty.choices, initial=Certainty.LIKELY)
    headline = forms.CharField(
        label=_("Judul singkat"),
        max_length=160,
        validators=[validate_warning_text],
        help_text=_("Paling banyak 160 karakter; menjadi awal SMS. Contoh: Banjir Sungai Rupit, warga bantaran siaga."),
    )
    description = _text(_("Uraian"), rows=4)
    instruction = _text(_("Yang harus dilakukan warga"), required=False, rows=3)
    onset = forms.DateTimeField(
        label=_("Mulai berlaku (WIB)"), required=False, input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )
    expires = forms.DateTimeField(label=_("Berakhir (WIB)"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET)
    areas = forms.MultipleChoiceField(
        label=_("Wilayah"),
        choices=(),
        help_text=_("Centang seluruh kecamatan, atau desa tertentu di dalamnya."),
        error_messages={"required": _("Pilih minimal satu kecamatan atau desa.")},
    )
    headline_en = forms.CharField(
        label=_("Judul singkat (Inggris, tidak wajib)"),
        max_length=160,
        required=False,
        validators=[validate_warning_text],
    )
    description_en = _text(_("Uraian (Inggris)"), required=False)
    instruction_en = _text(_("Yang harus dilakukan (Inggris)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kecamatan_list = list(Kecamatan.objects.offered().only("code", "name"))
        self.desa_list = list(Desa.objects.offered().only("code", "name", "kecamatan_id"))
        self.fields["areas"].choices = [(k.code, k.name) for k in self.kecamatan_list] + [
            (d.code, d.name) for d in self.desa_list
        ]
        if not self.is_bound and "expires" not in self.initial:
            self.initial["expires"] = timezone.localtime() + timezone.timedelta(hours=24)

    def area_groups(self):
        """Kecamatan with their desa and what is ticked, for the checkbox tree."""
        if self.is_bound:
            chosen = set(self.data.getlist("areas")) if hasattr(self.data, "getlist") else set()
        else:
            chosen = set(self.initial.get("areas") or [])
        by_kec = {}
        for d in self.desa_list:
            by_kec.setdefault(d.kecamatan_id, []).append({"code": d.code, "name": d.name, "checked": d.code in chosen})
        return [
            {
                "code": k.code,
                "name": k.name,
                "checked": k.code in chosen,
                "desa": by_kec.get(k.code, []),
                "open": any(d["checked"] for d in by_kec.get(k.code, [])),
            }
            for k in self.kecamatan_list
        ]

    def content(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("areas")
        if not data.get("category"):
            data.pop("category", None)
        return data


OTHER_REASON = "lainnya"


class CancelForm(forms.Form):
    """A reason from the list cancels at once; "other" sends the author's own
    words for a second person's approval (services.alert_cancel decides)."""

    reason_code = forms.ChoiceField(
        label=_("Alasan pembatalan (dikirim ke warga)"),
        choices=[
            *CancelReason.choices,
            (OTHER_REASON, _("Alasan lain, saya tulis sendiri (terbit setelah disetujui orang kedua)")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih alasan pembatalan."),
            "invalid_choice": _("Alasan pembatalan tidak dikenal; pilih dari daftar."),
        },
    )
    reason = _text(
        _("Alasan lain"),
        required=False,
        rows=2,
        max_length=2000,
        help_text=_("Isi hanya bila memilih alasan lain."),
    )

    def clean(self):
        data = super().clean()
        code, text = data.get("reason_code"), (data.get("reason") or "").strip()
        if code == OTHER_REASON and not text and "reason" not in self.errors:
            self.add_error("reason", _("Tuliskan alasan lain, atau pilih alasan dari daftar."))
        elif code and code != OTHER_REASON and text:
            self.add_error(
                "reason", _("Kosongkan kolom alasan lain bila memilih alasan dari daftar, atau pilih “Alasan lain”.")
            )
        return data

    def reasons(self) -> dict:
        """The arguments of services.alert_cancel."""
        code = self.cleaned_data["reason_code"]
        if code == OTHER_REASON:
            return {"reason": self.cleaned_data["reason"]}
        return {"reason_code": code}


class SubscribeForm(forms.Form):
    desa = forms.ChoiceField(
        label=_("Desa/kelurahan"),
        choices=(),
        error_messages={
            "required": _("Pilih desa/kelurahan dari daftar."),
            "invalid_choice": _("Pilih desa/kelurahan dari daftar."),
        },
    )
    phone = forms.CharField(
        label=_("Nomor HP (SMS)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "08xxxxxxxxxx"}),
    )
    email = forms.EmailField(label=_("atau alamat e-mail"), required=False, max_length=254)
    # Honeypot: people never see it; a bot that fills it gets a quiet no.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = {}
        kec_names = dict(Kecamatan.objects.values_list("code", "name"))
        for d in Desa.objects.offered().only("code", "name", "kecamatan_id").order_by("kecamatan_id", "name"):
            groups.setdefault(d.kecamatan_id, []).append((d.code, d.name))
        self.fields["desa"].choices = [("", _("— pilih desa —"))] + [
            (str(_("Kecamatan %(name)s") % {"name": kec_names.get(code, code)}), items)
            for code, items in groups.items()
        ]

    def clean(self):
        data = super().clean()
        if bool(data.get("phone")) == bool(data.get("email")):
            raise forms.ValidationError(_("Isi nomor HP atau alamat e-mail (salah satu saja)."))
        return data
