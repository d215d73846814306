"""Citizen forms.

The forms check formats only (lengths, dates, e-mail, numbers). Every rule
about what a report needs (consent, a known category, a desa in the chosen
kecamatan, a point inside the region, the category's required questions,
photos) lives in `incidents.services.incident_create`, which the view calls
and whose errors it maps back onto these fields.
"""

import re
import uuid

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Category
from kitaaman.localized import choice_label, localized

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")
BOOLEAN_CHOICES = [("ya", _("Ya")), ("tidak", _("Tidak"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to MAX_PHOTOS files; the content check is clean_photo's job (in the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": "image/jpeg,image/png,image/webp",
                    "data-max-files": settings.MAX_PHOTOS,
                    "data-max-mb": settings.MAX_PHOTO_BYTES // (1024 * 1024),
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleImageField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def question_field_name(category_code: str, question_code: str) -> str:
    return f"d_{category_code}_{question_code}"


def _question_label(question: dict) -> str:
    return localized(question, "label")


def question_field(question: dict) -> forms.Field:
    """A form field for one extra question. Every answer travels as text:
    the service parses numbers and yes/no and decides what is required."""
    qtype = question.get("type", "text")
    label = _question_label(question)
    common = {"required": False, "label": label}
    if qtype == "textarea":
        return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if qtype == "integer":
        attrs = {"inputmode": "numeric", "min": question.get("min", 0), "max": question.get("max", 10**7), "step": 1}
        return forms.CharField(max_length=12, widget=forms.NumberInput(attrs=attrs), **common)
    if qtype == "boolean":
        return forms.ChoiceField(choices=BOOLEAN_CHOICES, widget=forms.RadioSelect, **common)
    if qtype == "choice":
        choices = [("", _("— pilih —"))] + [(str(c[0]), choice_label(c)) for c in question.get("choices", [])]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=1000, **common)


class ReportForm(forms.Form):
    category = forms.CharField(label=_("Jenis kejadian"), required=False, max_length=40)
    description = forms.CharField(
        label=_("Apa yang terjadi?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "required": True, "maxlength": 5000}),
        help_text=_("Ceritakan singkat: apa yang terjadi, siapa yang terdampak, apa yang dibutuhkan."),
    )
    title = forms.CharField(label=_("Judul singkat (tidak wajib)"), required=False, max_length=200)
    occurred_at = forms.DateTimeField(
        label=_("Kapan terjadi?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Waktu WIB. Kosongkan jika tidak tahu."),
        error_messages={"invalid": _("Tulis waktu seperti 27-11-2026 14.05.")},
    )
    kecamatan = forms.CharField(label=_("Kecamatan"), required=False, max_length=8)
    desa = forms.CharField(label=_("Desa/kelurahan"), required=False, max_length=13)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    location_detail = forms.CharField(
        label=_("Patokan atau nama dusun"),
        required=False,
        max_length=200,
        help_text=_("Contoh: Dusun III, dekat masjid, seberang jembatan."),
    )
    photos = MultipleImageField(
        label=_("Pilih foto"),
        required=False,
        help_text=_("Paling banyak 5 foto JPEG, PNG, atau WebP, masing-masing paling besar 10 MB."),
    )
    reporter_name = forms.CharField(label=_("Nama"), required=False, max_length=120)
    reporter_phone = forms.CharField(
        label=_("Nomor HP/WhatsApp"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        validators=[RegexValidator(PHONE_RE, _("Tulis nomor telepon dengan angka saja, misalnya 0812 3456 7890."))],
    )
    reporter_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Alamat e-mail tidak valid.")},
    )
    anonymous = forms.BooleanField(label=_("Rahasiakan identitas saya"), required=False)
    confidential = forms.BooleanField(label=_("Jangan tampilkan laporan ini di peta publik"), required=False)
    consent = forms.BooleanField(
        label=_("Saya setuju data saya diproses untuk menangani laporan ini (UU No. 27 Tahun 2022)."),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
    )
    client_uuid = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(label=_("Jangan diisi"), required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories if categories is not None else Category.objects.filter(active=True))
        self.question_sets = []
        for category in self.categories:
            names = []
            for question in category.citizen_questions():
                name = question_field_name(category.code, question["code"])
                self.fields[name] = question_field(question)
                names.append((name, question))
            if names:
                self.question_sets.append((category, names))
        if not self.is_bound and not self.initial.get("client_uuid"):
            self.initial["client_uuid"] = uuid.uuid4()
        self.fields["occurred_at"].widget.attrs["max"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_client_uuid(self):
        # A mangled value must not block the report: a fresh one still stops double taps from here on.
        try:
            return uuid.UUID(self.cleaned_data.get("client_uuid") or "")
        except ValueError:
            return uuid.uuid4()

    def details_for(self, category: Category) -> dict:
        if category is None:
            return {}
        return {
            q["code"]: self.cleaned_data.get(question_field_name(category.code, q["code"]), "")
            for q in category.citizen_questions()
        }

    def question_blocks(self):
        """[(category, [(bound field, question), ...])] for the template."""
        return [(category, [(self[name], q) for name, q in names]) for category, names in self.question_sets]


class TrackForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode lacak"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "placeholder": "KA-XXXX-XXXXX",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
