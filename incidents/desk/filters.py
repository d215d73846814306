"""The one specification of the report filters.

The desk queue's filter bar, the staff list API (`GET /api/v1/incidents/`),
the background exports and their description, and the queue's links all read
the filters declared here: each filter is declared once with its parameter
name, label, parser (a form field that accepts what both the filter bar and an
API client send) and how it narrows the queryset.

The filter set narrows a queryset that already passed the visibility rule
(`incidents_visible_to`); ordering and keyset pagination stay in
`incidents.desk.queue`, because django-filter's ordering would paginate by
OFFSET.
"""

import copy
import functools
from datetime import datetime, time
from html import escape

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.renderers import get_default_renderer
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.constants import EMPTY_VALUES

from incidents.intake.tracking import looks_like_tracking_code
from incidents.models import (
    OPEN_STATUSES,
    Agency,
    Assignment,
    Category,
    Channel,
    Desa,
    Incident,
    Kecamatan,
    Priority,
    Status,
)
from incidents.permissions import user_kecamatan_codes, user_roles
from incidents.roles import READ_ALL_ROLES

OPEN_ALIAS = "terbuka"
SEARCH_MAX = 100
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
TRUE_WORDS = ("1", "true", "ya", "yes", "on")
FALSE_WORDS = ("0", "false", "tidak", "no", "off")

SORT_CHOICES = [
    ("newest", gettext_lazy("Terbaru")),
    ("priority", gettext_lazy("Prioritas tertinggi")),
    ("oldest", gettext_lazy("Terlama (umur laporan)")),
    ("due", gettext_lazy("Batas waktu terdekat")),
]


def _no_nul(value):
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(v is not None and "\x00" in str(v) for v in values):
        raise ValidationError(_("Berisi karakter yang tidak diizinkan."), code="null_characters")


def _split(value) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


# --- fields: each parses what the filter bar and an API client send ------------------------------


class CodeListField(forms.ChoiceField):
    """One code from a select, or several separated by commas (API)."""

    api_description = gettext_lazy("boleh beberapa, dipisah koma")

    def to_python(self, value):
        _no_nul(value)
        return [] if value in self.empty_values else _split(value)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        unknown = [v for v in value if not self.valid_value(v)]
        if unknown:
            raise ValidationError(
                _("Pilihan tidak dikenal: %(value)s.") % {"value": ", ".join(unknown)}, code="invalid_choice"
            )

    def to_param(self, value) -> str:
        return ",".join(value)

    def describe(self, value) -> str:
        labels = {str(k): str(v) for k, v in self.choices}
        return ", ".join(labels.get(v, v) for v in value)


class ModelCodeListField(forms.ModelChoiceField):
    """A row chosen by its code from a select, or several codes separated by
    commas (API). Cleans to the list of codes."""

    def to_python(self, value):
        _no_nul(value)
        if value in self.empty_values:
            return []
        codes = _split(value)
        key = self.to_field_name or "pk"
        # Any code of the territory or the vocabulary is understood; the
        # queryset only limits what the select offers (the visibility rule
        # decides what is found).
        known = self.queryset.model._default_manager.filter(**{f"{key}__in": codes})
        found = {str(v) for v in known.values_list(key, flat=True)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError(
                _("Pilihan tidak dikenal: %(value)s.") % {"value": ", ".join(unknown)}, code="invalid_choice"
            )
        return codes

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def to_param(self, value) -> str:
        return ",".join(value)

    def describe(self, value) -> str:
        key = self.to_field_name or "pk"
        rows = self.queryset.model._default_manager.filter(**{f"{key}__in": value})
        names = {str(getattr(row, key)): str(row) for row in rows}
        return ", ".join(names.get(v, v) for v in value)


class FlagInput(forms.CheckboxInput):
    """A checkbox on the page; an API client may send true/false, ya/tidak."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda v: str(v).lower() in TRUE_WORDS or v is True)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(forms.Field):
    widget = FlagInput

    def to_python(self, value):
        _no_nul(value)
        if value in (None, "") or value is False:
            return None if value in (None, "") else False
        if value is True:
            return True
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Nilai harus ya atau tidak (true/false)."), code="invalid")

    def to_param(self, value) -> str:
        return "1" if value else "0"

    def describe(self, value) -> str:
        return _("ya") if value else _("tidak")


class DateBoundField(forms.Field):
    """A date (several spellings) or an ISO date-time; cleans to an aware
    date-time at the start or the end of that day."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, *, end=False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_python(self, value):
        _no_nul(value)
        if value in self.empty_values:
            return None
        text = str(value).strip()
        moment = None
        try:
            moment = parse_datetime(text) if ("T" in text or " " in text) else None
            day = None if moment else parse_date(text)
        except ValueError:
            day = None
        for fmt in DATE_FORMATS:
            if moment or day:
                break
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        if moment is None and day is None:
            raise ValidationError(_("Tanggal tidak valid (gunakan format YYYY-MM-DD)."), code="invalid")
        if moment is None:
            moment = datetime.combine(day, time.max if self.end else time.min)
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def prepare_value(self, value):
        # The date input shows the day only.
        return timezone.localtime(value).date().isoformat() if isinstance(value, datetime) else value

    def to_param(self, value) -> str:
        return timezone.localtime(value).date().isoformat()

    def describe(self, value) -> str:
        return timezone.localtime(value).strftime("%d-%m-%Y")


class SearchField(forms.CharField):
    def to_python(self, value):
        _no_nul(value)
        return super().to_python(value).strip()

    def to_param(self, value) -> str:
        return value

    def describe(self, value) -> str:
        return value


# --- filters ---------------------------------------------------------------------------------------


class SpecFilter(django_filters.Filter):
    """A filter that also documents itself for the API (`api_help`)."""

    def __init__(self, *args, api_help="", **kwargs):
        self.api_help = api_help
        super().__init__(*args, **kwargs)


class CodeListFilter(SpecFilter):
    field_class = CodeListField

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class ModelCodeListFilter(SpecFilter):
    field_class = ModelCodeListField

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class SearchFilter(SpecFilter):
    field_class = SearchField


class FlagFilter(SpecFilter):
    field_class = FlagField


class DateBoundFilter(SpecFilter):
    field_class = DateBoundField


# Django's widget templates for <input>: each only includes input.html.
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{kind}.html" for kind in ("input", "text", "date", "checkbox"))


class InputsInPython:
    """The project's form renderer, except that <input> elements are written
    here exactly as Django's input.html and attrs.html write them: three
    template renders per input cost the filter bar more than its selects."""

    def __init__(self):
        self.fallback = get_default_renderer()

    def __getattr__(self, name):
        return getattr(self.fallback, name)

    def render(self, template_name, context, request=None):
        if template_name not in INPUT_TEMPLATES:
            return self.fallback.render(template_name, context, request=request)
        widget = context["widget"]
        html = f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        if widget["value"] is not None:
            html += f' value="{escape(str(widget["value"]))}"'
        for name, value in widget["attrs"].items():
            if value is not False:
                html += f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        return html + ">"


class QueueFilterBaseForm(forms.Form):
    """What the filter bar checks beyond single fields, and the sort order
    (not a filter: the queue's keyset pagination applies it)."""

    default_renderer = InputsInPython

    sort = forms.ChoiceField(label=gettext_lazy("Urutkan"), choices=SORT_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", _("Tanggal akhir harus sama dengan atau setelah tanggal awal."))
        desa, kecamatan = data.get("desa") or [], data.get("kecamatan") or []
        if desa and kecamatan:
            outside = Desa.objects.filter(code__in=desa).exclude(kecamatan_id__in=kecamatan)
            if outside.exists():
                self.add_error("desa", _("Desa/kelurahan yang dipilih tidak berada di kecamatan tersebut."))
        return data


class IncidentFilter(django_filters.FilterSet):
    q = SearchFilter(
        method="filter_search",
        label=gettext_lazy("Cari"),
        api_help=gettext_lazy("Kode lacak (tepat) atau kata kunci pada judul, uraian, lokasi dan desa."),
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Kode lacak atau kata kunci")}),
    )
    status = CodeListFilter(
        method="filter_status",
        label=gettext_lazy("Status"),
        api_help=gettext_lazy("Status, atau 'terbuka' untuk baru s.d. ditangani"),
        choices=[
            ("", gettext_lazy("Semua status")),
            (OPEN_ALIAS, gettext_lazy("Masih berjalan (baru s.d. ditangani)")),
            *Status.choices,
        ],
    )
    category = ModelCodeListFilter(
        field_name="category__code",
        label=gettext_lazy("Kategori"),
        api_help=gettext_lazy("Kode kategori"),
        queryset=Category.objects.all(),
        to_field_name="code",
        empty_label=gettext_lazy("Semua kategori"),
    )
    kecamatan = ModelCodeListFilter(
        field_name="kecamatan_id",
        label=gettext_lazy("Kecamatan"),
        api_help=gettext_lazy("Kode Kemendagri kecamatan"),
        queryset=Kecamatan.objects.all(),
        empty_label=gettext_lazy("Semua kecamatan"),
    )
    desa = ModelCodeListFilter(
        field_name="desa_id",
        label=gettext_lazy("Desa/kelurahan"),
        api_help=gettext_lazy("Kode Kemendagri desa/kelurahan"),
        queryset=Desa.objects.select_related("kecamatan"),
        empty_label=gettext_lazy("Semua desa"),
    )
    agency = ModelCodeListFilter(
        method="filter_agency",
        label=gettext_lazy("Instansi"),
        api_help=gettext_lazy("Kode instansi yang ditugaskan"),
        queryset=Agency.objects.filter(active=True),
        to_field_name="code",
        empty_label=gettext_lazy("Semua instansi"),
    )
    priority = CodeListFilter(
        field_name="priority",
        label=gettext_lazy("Prioritas"),
        api_help=gettext_lazy("Prioritas 1-4"),
        choices=[("", gettext_lazy("Semua prioritas")), *Priority.choices],
    )
    channel = CodeListFilter(
        field_name="channel",
        label=gettext_lazy("Saluran"),
        api_help=gettext_lazy("Saluran laporan (web, telepon, datang, patroli, sms, whatsapp, open311)"),
        choices=[("", gettext_lazy("Semua saluran")), *Channel.choices],
    )
    overdue = FlagFilter(
        method="filter_overdue",
        label=gettext_lazy("Hanya yang melewati batas waktu"),
        api_help=gettext_lazy("Hanya (true) atau tanpa (false) yang lewat batas waktu"),
    )
    assignment_requested = FlagFilter(
        method="filter_assignment_requested",
        label=gettext_lazy("Hanya yang menunggu penugasan"),
        api_help=gettext_lazy("Hanya (true) atau tanpa (false) yang menunggu penugasan instansi dari koordinator"),
    )
    awaiting_coordinator = FlagFilter(
        method="filter_awaiting_coordinator",
        label=gettext_lazy("Hanya yang menunggu koordinator (baru atau menunggu penugasan)"),
        api_help=gettext_lazy(
            "Hanya (true) laporan baru yang belum diverifikasi atau yang masih berjalan dan menunggu penugasan"
        ),
    )
    created_after = DateBoundFilter(
        field_name="created_at",
        lookup_expr="gte",
        label=gettext_lazy("Masuk sejak"),
        api_help=gettext_lazy("Masuk sejak tanggal (YYYY-MM-DD)"),
    )
    created_before = DateBoundFilter(
        field_name="created_at",
        lookup_expr="lte",
        label=gettext_lazy("Masuk sampai"),
        api_help=gettext_lazy("Masuk sampai tanggal (YYYY-MM-DD)"),
        end=True,
    )

    class Meta:
        model = Incident
        fields: list[str] = []
        form = QueueFilterBaseForm

    def __init__(self, data=None, queryset=None, *, user=None, now=None, request=None, prefix=None):
        # django-filter deep-copies every filter (their querysets and choices
        # included) for each instance, which cost a queue page more than its
        # query. These filters keep no state of a request: the methods below
        # are called on this instance (filter_queryset), and the kecamatan and
        # desa a user is offered live on the form class (get_form_class).
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = Incident._default_manager.all() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters
        self.now = now
        codes = user_kecamatan_codes(user) if user is not None else None
        # A petugas only has reports of their own kecamatan: offer just those
        # (a convenience; what they see is still decided by the selector).
        restricted = user is not None and codes and not (user_roles(user) & READ_ALL_ROLES)
        self.offered_kecamatan = tuple(sorted(codes)) if restricted else ()

    def get_form_class(self):
        return _form_class(type(self), self.offered_kecamatan)

    def filter_queryset(self, queryset):
        # The form also carries `sort`, which is not a filter.
        for name, value in self.form.cleaned_data.items():
            spec = self.filters.get(name)
            if spec is None or value in EMPTY_VALUES:
                continue
            if spec.method:
                queryset = getattr(self, spec.method)(queryset, spec.field_name, value)
            else:
                queryset = spec.filter(queryset, value)
        return queryset

    def filter_status(self, qs, name, value):
        if not value:
            return qs
        statuses = set()
        for v in value:
            statuses.update(OPEN_STATUSES if v == OPEN_ALIAS else [v])
        return qs.filter(status__in=[str(s) for s in statuses])

    def filter_agency(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Exists(Assignment.objects.filter(incident_id=OuterRef("pk"), agency__code__in=value)))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        now = self.now or timezone.now()
        return qs.filter(due_at__lt=now) if value else qs.filter(Q(due_at__isnull=True) | Q(due_at__gte=now))

    def filter_assignment_requested(self, qs, name, value):
        # A petugas asked the koordinator for an assignment (workflow/assignment_request.py).
        if value is None:
            return qs
        return qs.filter(assignment_requested_at__isnull=not value)

    def filter_awaiting_coordinator(self, qs, name, value):
        # The koordinator's work: new reports to verify, and open ones a petugas
        # asked to be assigned to an agency.
        if value is None:
            return qs
        waiting = Q(status=Status.BARU) | Q(assignment_requested_at__isnull=False, status__in=OPEN_STATUSES)
        return qs.filter(waiting) if value else qs.exclude(waiting)

    def filter_search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        code = looks_like_tracking_code(value)
        if code:
            return qs.filter(tracking_code=code)
        return qs.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(location_detail__icontains=value)
            | Q(desa__name__icontains=value)
        )

    # --- the same filters as plain parameters and as words ----------------------------------------

    def to_params(self) -> dict:
        """The cleaned filters (and sort) as query parameters: what the queue's
        links, the API and an export job carry."""
        params = {}
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name not in self.filters:
                continue
            params[name] = self.form.fields[name].to_param(value)
        sort = self.form.cleaned_data.get("sort")
        if sort and sort != "newest":
            params["sort"] = sort
        return params

    def describe(self) -> str:
        """The cleaned filters in words, for an export's description."""
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name not in self.filters:
                continue
            label = str(self.filters[name].label).lower()
            parts.append(f"{label}: {self.form.fields[name].describe(value)}")
        return "; ".join(parts) or _("semua laporan yang dapat Anda lihat")


FILTER_NAMES = tuple(IncidentFilter.base_filters)


@functools.lru_cache(maxsize=256)
def _form_class(filterset_class, offered_kecamatan: tuple):
    """The filter form of `filterset_class`, built once per set of kecamatan
    offered (all when empty). Its fields are copied for each form instance
    (Django's Form.__init__), so nothing of a request is kept here."""
    fields = {name: spec.field for name, spec in filterset_class.base_filters.items()}
    if offered_kecamatan:
        fields["kecamatan"] = _offering(fields["kecamatan"], Kecamatan.objects.filter(code__in=offered_kecamatan))
        fields["desa"] = _offering(
            fields["desa"], Desa.objects.select_related("kecamatan").filter(kecamatan_id__in=offered_kecamatan)
        )
    form_class = type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)
    form_class.scope = ",".join(offered_kecamatan)
    return form_class


def _offering(field, queryset):
    field = copy.deepcopy(field)
    field.queryset = queryset
    return field


def incidents_filtered(queryset: QuerySet[Incident], params, *, user=None, now=None) -> QuerySet[Incident]:
    """Narrow `queryset` by `params` (a dict or QueryDict). Raises
    ValidationError (field -> Indonesian messages) for values it cannot
    understand."""
    if not params:
        return queryset  # no filter: nothing to parse (the queue's first page)
    filterset = IncidentFilter(params, queryset, user=user, now=now)
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs
