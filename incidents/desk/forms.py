"""Forms of the Satpol PP desk.

They check formats only; the rules (who may, which transition, what a
report needs) live in the services the views call, whose ValidationErrors
the views map back onto these fields.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.intake.forms import question_field, question_field_name
from incidents.models import Agency, Category, Channel, Desa, Kecamatan, Priority, SpmService

VISIBILITY_CHOICES = [
    ("publik", _("Publik: tampil di halaman lacak warga")),
    ("internal", _("Internal: hanya untuk petugas")),
]

# What "must serve" and "served" mean for each SPM service a category feeds.
SPM_LABELS = {
    SpmService.TIBUM: (_("Warga terdampak dalam radius 0–50 m"), _("Warga yang telah dilayani")),
    SpmService.EVAKUASI_BENCANA: (_("Korban"), _("Korban yang diselamatkan/dievakuasi")),
    SpmService.KEBAKARAN: (_("Korban dan warga terdampak"), _("Yang dilayani")),
}

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H.%M", "%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]


def unassigned_agencies(incident):
    """Active agencies not yet assigned to the report: what may still be chosen."""
    taken = [a.agency_id for a in incident.assignments.all()]
    return Agency.objects.filter(active=True).exclude(pk__in=taken)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteVisibilityMixin:
    """A note is public or internal by an explicit choice: no default."""

    def clean(self):
        data = super().clean()
        if (data.get("note") or data.get("text")) and not data.get("visibility"):
            self.add_error("visibility", _("Pilih apakah catatan ini untuk publik atau internal."))
        return data

    @property
    def is_public(self):
        return self.cleaned_data.get("visibility") == "publik"


class TransitionForm(NoteVisibilityMixin, VersionedForm):
    to = forms.CharField(widget=forms.HiddenInput, max_length=12)
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        label=_("Catatan ini untuk"), choices=VISIBILITY_CHOICES, required=False, widget=forms.RadioSelect
    )
    duplicate_of = forms.CharField(label=_("Laporan asli (kode lacak atau nomor)"), required=False, max_length=40)


class AssignForm(VersionedForm):
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Agency.objects.filter(active=True),
        to_field_name="code",
        empty_label=_("— pilih instansi —"),
        error_messages={"required": _("Pilih instansi yang ditugaskan.")},
    )
    note = forms.CharField(
        label=_("Catatan untuk instansi (internal)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        if incident is not None:
            self.fields["agency"].queryset = unassigned_agencies(incident)


class AssignmentRequestForm(AssignForm):
    """A petugas asks the koordinator for an assignment, optionally suggesting
    the agency: the koordinator's form without the version (asking changes no
    report data) and with the agency optional."""

    version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        agency.label = _("Instansi yang diusulkan (tidak wajib)")
        agency.required = False
        agency.empty_label = _("— koordinator yang memilih —")
        self.fields["note"].label = _("Catatan untuk koordinator (internal)")


class NoteForm(NoteVisibilityMixin, forms.Form):
    text = forms.CharField(
        label=_("Catatan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Isi catatan wajib diisi.")},
    )
    visibility = forms.ChoiceField(
        label=_("Catatan ini untuk"), choices=VISIBILITY_CHOICES, required=False, widget=forms.RadioSelect
    )


class AssignmentCompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan penyelesaian"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Catatan penyelesaian wajib diisi.")},
    )


class ArrivalForm(VersionedForm):
    arrived_at = forms.DateTimeField(
        label=_("Waktu tiba di lokasi (WIB)"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class TriageForm(VersionedForm):
    """The triage fields a desk user edits. Only the fields the user may edit
    are kept; the SPM counts only for categories that feed an SPM service."""

    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.filter(active=True), to_field_name="code"
    )
    desa = forms.ModelChoiceField(
        label=_("Desa/kelurahan"), queryset=Desa.objects.offered().select_related("kecamatan")
    )
    priority = forms.TypedChoiceField(label=_("Prioritas"), choices=Priority.choices, coerce=int)
    title = forms.CharField(label=_("Judul"), required=False, max_length=200)
    location_detail = forms.CharField(label=_("Patokan/dusun"), required=False, max_length=200)
    arrived_at = forms.DateTimeField(
        label=_("Waktu tiba di lokasi (WIB)"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    spm_must_serve = forms.IntegerField(label=_("Warga yang harus dilayani"), required=False, min_value=0)
    spm_served = forms.IntegerField(label=_("Warga yang telah dilayani"), required=False, min_value=0)
    confidential = forms.BooleanField(
        label=_("Jangan tampilkan di peta publik"),
        required=False,
        help_text=_("Tidak dapat dibatalkan: laporan yang dirahasiakan tidak tampil lagi di peta publik."),
    )

    def __init__(self, *args, incident, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        initial.setdefault("version", incident.version)
        initial.setdefault("category", incident.category.code)
        initial.setdefault("desa", incident.desa_id)
        initial.setdefault("priority", incident.priority)
        initial.setdefault("title", incident.title)
        initial.setdefault("location_detail", incident.location_detail)
        if incident.arrived_at:
            initial.setdefault("arrived_at", timezone.localtime(incident.arrived_at))
        initial.setdefault("spm_must_serve", incident.spm_must_serve)
        initial.setdefault("spm_served", incident.spm_served)
        initial.setdefault("confidential", incident.confidential)
        self.incident = incident
        category = incident.category
        for q in category.questions or []:
            value = (incident.details or {}).get(q["code"])
            if isinstance(value, bool):
                value = "ya" if value else "tidak"
            initial.setdefault(question_field_name(category.code, q["code"]), value)
        super().__init__(*args, initial=initial, **kwargs)
        # A report whose desa has since been retired keeps it; others are not offered it.
        self.fields["desa"].queryset = Desa.objects.filter(Q(retired=False) | Q(code=incident.desa_id)).select_related(
            "kecamatan"
        )
        self.question_names = []
        for q in category.questions or []:
            name = question_field_name(category.code, q["code"])
            self.fields[name] = question_field(q)
            self.question_names.append((name, q))
        labels = SPM_LABELS.get(category.spm_service)
        if labels:
            self.fields["spm_must_serve"].label, self.fields["spm_served"].label = labels
        else:
            del self.fields["spm_must_serve"], self.fields["spm_served"]
        if category.group != Category.Group.KEBAKARAN:
            del self.fields["arrived_at"]
        # A disabled field keeps its initial value: a report kept off the map stays off.
        self.fields["confidential"].disabled = incident.confidential

    @property
    def has_spm(self):
        return "spm_must_serve" in self.fields

    def question_fields(self):
        return [self[name] for name, _q in self.question_names]

    def changes(self) -> dict:
        """The service's keyword arguments for this form."""
        data = self.cleaned_data
        category = self.incident.category
        changes = {
            "category": data["category"],
            "desa": data["desa"],
            "priority": data["priority"],
            "title": data.get("title", ""),
            "location_detail": data.get("location_detail", ""),
            "confidential": bool(data.get("confidential")),
        }
        if self.question_names:
            changes["details"] = {q["code"]: data.get(name, "") for name, q in self.question_names}
        elif data["category"].pk != category.pk:
            changes["details"] = {}
        if "arrived_at" in self.fields:
            changes["arrived_at"] = data.get("arrived_at")
        if self.has_spm:
            changes["spm_must_serve"] = data.get("spm_must_serve")
            changes["spm_served"] = data.get("spm_served")
        return changes


class StaffReportForm(forms.Form):
    """A report entered by staff for a citizen who phoned, came in, or was met on patrol."""

    channel = forms.ChoiceField(
        label=_("Saluran laporan"),
        choices=[
            (Channel.TELEPON, Channel.TELEPON.label),
            (Channel.DATANG, Channel.DATANG.label),
            (Channel.PATROLI, Channel.PATROLI.label),
            (Channel.WEB, Channel.WEB.label),
        ],
    )
    reported_at = forms.DateTimeField(
        label=_("Waktu laporan diterima (WIB)"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Saat telepon diterima atau warga datang; tidak boleh di masa depan."),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.filter(active=True),
        to_field_name="code",
        empty_label=_("— pilih kategori —"),
    )
    title = forms.CharField(label=_("Judul singkat"), required=False, max_length=200)
    description = forms.CharField(label=_("Uraian kejadian"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = forms.DateTimeField(
        label=_("Waktu kejadian (WIB)"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.offered(), empty_label=_("— pilih —")
    )
    desa = forms.ModelChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Desa.objects.offered().select_related("kecamatan"),
        empty_label=_("— pilih —"),
    )
    location_detail = forms.CharField(label=_("Patokan/dusun"), required=False, max_length=200)
    lat = forms.FloatField(label=_("Lintang (tidak wajib)"), required=False)
    lng = forms.FloatField(label=_("Bujur (tidak wajib)"), required=False)
    reporter_name = forms.CharField(label=_("Nama pelapor"), required=False, max_length=120)
    reporter_phone = forms.CharField(label=_("Telepon pelapor"), required=False, max_length=30)
    reporter_email = forms.EmailField(label=_("E-mail pelapor"), required=False)
    anonymous = forms.BooleanField(label=_("Pelapor minta identitasnya dirahasiakan"), required=False)
    confidential = forms.BooleanField(label=_("Jangan tampilkan di peta publik"), required=False)
    consent = forms.BooleanField(
        label=_("Pelapor menyetujui data pribadinya diproses untuk menangani laporan ini (UU No. 27 Tahun 2022)."),
        error_messages={"required": _("Persetujuan pelapor wajib dicatat.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("channel", Channel.TELEPON)
        self.question_sets = []
        for category in Category.objects.filter(active=True):
            names = []
            for q in category.questions or []:
                name = question_field_name(category.code, q["code"])
                self.fields[name] = question_field(q)
                names.append((name, q))
            if names:
                self.question_sets.append((category, names))

    def question_blocks(self):
        return [(category, [self[name] for name, _q in names]) for category, names in self.question_sets]

    def details_for(self, category) -> dict:
        return {
            q["code"]: self.cleaned_data.get(question_field_name(category.code, q["code"]), "")
            for q in category.questions or []
        }

    @staticmethod
    def field_for(key: str, category) -> str:
        """The field an intake error key belongs to: "details.<question>" is that
        question's field of the category; any other key is the field's own name."""
        if key.startswith("details."):
            return question_field_name(category.code, key.split(".", 1)[1])
        return key


class BulkForm(forms.Form):
    ACTIONS = [("verify", _("Verifikasi")), ("assign", _("Tugaskan ke instansi"))]

    action = forms.ChoiceField(label=_("Tindakan"), choices=ACTIONS, error_messages={"required": _("Pilih tindakan.")})
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Agency.objects.filter(active=True),
        to_field_name="code",
        required=False,
        empty_label=_("— pilih instansi —"),
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=5000)
    visibility = forms.ChoiceField(label=_("Catatan ini untuk"), choices=VISIBILITY_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = []

    def clean(self):
        data = super().clean()
        raw = self.data.getlist("pilih") if hasattr(self.data, "getlist") else self.data.get("pilih", [])
        items = []
        for value in raw[:500]:
            pk, _sep, version = str(value).partition(":")
            if pk.isdecimal() and version.isdecimal() and len(pk) < 19 and len(version) < 10:
                items.append((int(pk), int(version)))
        if not items:
            raise forms.ValidationError(_("Pilih minimal satu laporan."))
        self.items = items
        if data.get("action") == "assign" and not data.get("agency"):
            self.add_error("agency", _("Pilih instansi yang ditugaskan."))
        if data.get("action") == "verify" and data.get("note") and not data.get("visibility"):
            self.add_error("visibility", _("Pilih apakah catatan ini untuk publik atau internal."))
        return data


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")])
