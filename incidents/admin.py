"""Admin of the reference data (categories, agencies, holidays, territory),
staff accounts, and a read-only view of reports and the audit trail.

Reports change only through the services (the desk and the API), which keep
events, due times and versions in step; the admin therefore shows them
read-only. The audit trail is read-only for everybody, superusers included.
"""

from contextvars import ContextVar

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from incidents import permissions
from incidents.models import (
    Agency,
    Assignment,
    AuditLog,
    Category,
    Desa,
    Holiday,
    Incident,
    IncidentEvent,
    IncidentPhoto,
    Kecamatan,
    SpmService,
    StaffProfile,
)
from incidents.reference.territory_forms import DesaForm, KecamatanForm
from incidents.signals import fire_standard_changed
from incidents.workflow.holidays import holiday_delete, holiday_save
from incidents.workflow.services import identity_view_record
from kitaaman.admin import ReadOnlyAdmin, ReadOnlyMixin
from kitaaman.http import client_ip

QUESTION_TYPES = {"text", "textarea", "integer", "boolean", "choice"}
# The request of the change view being rendered (a ModelAdmin is shared
# between threads, so not an attribute on self).
_current_request = ContextVar("incident_admin_request", default=None)


class KecamatanListFilter(admin.SimpleListFilter):
    """Kecamatan by code and name only (the default filter loads every boundary)."""

    title = _("kecamatan")
    parameter_name = "kecamatan"

    def lookups(self, request, model_admin):
        return list(Kecamatan.objects.order_by("name").values_list("code", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kecamatan_id=self.value())
        return queryset


# The category page's sections, once: the form's fields are their sum.
CATEGORY_FIELDSETS = (
    (
        None,
        {
            "fields": (
                "code",
                "name",
                "name_en",
                "group",
                "description",
                "description_en",
                "default_priority",
                "active",
                "sort_order",
            )
        },
    ),
    (_("SPM dan kebencanaan"), {"fields": ("spm_service", "hazard", "dibi_code")}),
    (
        _("Batas waktu layanan"),
        {
            "fields": (
                ("verify_within", "verify_unit"),
                ("followup_within", "followup_unit"),
                "response_minutes",
            )
        },
    ),
    (_("Pertanyaan tambahan (JSON)"), {"fields": ("questions",)}),
)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = flatten_fieldsets(CATEGORY_FIELDSETS)
        widgets = {"questions": forms.Textarea(attrs={"rows": 16, "cols": 100, "style": "font-family:monospace"})}

    def clean_questions(self):
        questions = self.cleaned_data.get("questions") or []
        if not isinstance(questions, list):
            raise forms.ValidationError(_("Pertanyaan tambahan harus berupa daftar (JSON array)."))
        seen = set()
        for i, q in enumerate(questions, start=1):
            if not isinstance(q, dict) or not q.get("code") or not q.get("label"):
                raise forms.ValidationError(_("Pertanyaan ke-%(n)s harus memiliki 'code' dan 'label'.") % {"n": i})
            if q.get("type", "text") not in QUESTION_TYPES:
                raise forms.ValidationError(_("Jenis pertanyaan ke-%(n)s tidak dikenal.") % {"n": i})
            if q["type"] == "choice" and not q.get("choices"):
                raise forms.ValidationError(_("Pertanyaan pilihan ke-%(n)s harus memiliki 'choices'.") % {"n": i})
            if q["code"] in seen:
                raise forms.ValidationError(_("Kode pertanyaan %(code)s dipakai dua kali.") % {"code": q["code"]})
            seen.add(q["code"])
        return questions


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = (
        "name",
        "code",
        "group",
        "spm_service",
        "default_priority",
        "verify_within",
        "verify_unit",
        "followup_within",
        "followup_unit",
        "response_minutes",
        "active",
        "sort_order",
    )
    list_filter = ("group", "spm_service", "active")
    list_editable = ("active", "sort_order")
    search_fields = ("name", "code")
    fieldsets = CATEGORY_FIELDSETS

    def has_delete_permission(self, request, obj=None):
        # Reports point at their category; retire it with "aktif" instead.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.spm_service == SpmService.KEBAKARAN and (
            not change or {"response_minutes", "spm_service"} & set(form.changed_data)
        ):
            fire_standard_changed.send(sender=Category, category_id=obj.pk)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "code", "email", "phone", "active", "sort_order")
    list_editable = ("active", "sort_order")
    search_fields = ("name", "short_name", "code")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)

    # Through the services: the open reports' deadlines follow the calendar.
    def save_model(self, request, obj, form, change):
        saved, moved = holiday_save(actor=request.user, day=obj.date, name=obj.name, holiday=obj)
        obj.pk = saved.pk
        self._say_moved(request, moved)

    def delete_model(self, request, obj):
        self._say_moved(request, holiday_delete(actor=request.user, holiday=obj))

    def delete_queryset(self, request, queryset):
        self._say_moved(request, sum(holiday_delete(actor=request.user, holiday=obj) for obj in queryset))

    def _say_moved(self, request, moved):
        if moved:
            self.message_user(
                request,
                ngettext(
                    "Batas waktu %(n)d laporan terbuka disesuaikan dengan kalender hari libur.",
                    "Batas waktu %(n)d laporan terbuka disesuaikan dengan kalender hari libur.",
                    moved,
                )
                % {"n": moved},
            )


class DesaInline(admin.TabularInline):
    model = Desa
    fields = ("code", "name", "jenis", "population", "retired")
    readonly_fields = ("code", "name", "jenis")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "population", "retired")
    list_filter = ("retired",)
    search_fields = ("name", "=code")
    form = KecamatanForm
    inlines = [DesaInline]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key reports and figures point at: set once, when added.
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Desa)
class DesaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "jenis", "kecamatan", "population", "retired")
    list_filter = (KecamatanListFilter, "jenis", "retired")
    list_select_related = ("kecamatan",)
    search_fields = ("name", "=code")
    form = DesaForm

    def get_readonly_fields(self, request, obj=None):
        return ("code", "kecamatan") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


# --- staff accounts ------------------------------------------------------------------------------

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ("kecamatan",)
    verbose_name_plural = _("profil petugas (kecamatan tugas, instansi)")


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(BaseUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "roles", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_superuser")

    @admin.display(description=_("peran"))
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


# --- reports (read-only) -------------------------------------------------------------------------


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = IncidentEvent
    fields = ("created_at", "kind", "actor_label", "from_status", "to_status", "note", "public")
    readonly_fields = fields
    extra = 0


class AssignmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Assignment
    fields = ("agency", "assigned_at", "assigned_by", "note", "completed_at", "completed_by", "completion_note")
    readonly_fields = fields
    extra = 0


class PhotoInline(ReadOnlyMixin, admin.TabularInline):
    model = IncidentPhoto
    fields = ("image", "content_type", "size", "width", "height", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = (
        "tracking_code",
        "category",
        "kecamatan",
        "desa",
        "status",
        "priority",
        "channel",
        "created_at",
        "due_at",
    )
    list_filter = ("status", "priority", "channel", "category", KecamatanListFilter)
    list_select_related = ("category", "kecamatan", "desa")
    search_fields = ("=tracking_code",)
    ordering = ("-created_at", "-id")
    # The changelist must not count a million rows on every page.
    list_per_page = 50
    inlines = [AssignmentInline, EventInline, PhotoInline]
    exclude = ("reporter_name", "reporter_phone", "reporter_email")
    readonly_fields = ("reporter",)
    raw_id_fields = ("duplicate_of", "created_by")

    @admin.display(description=_("pelapor"))
    def reporter(self, obj):

        request = _current_request.get()
        user = getattr(request, "user", None)
        if not permissions.can_see_identity(user, obj):
            return _("Dirahasiakan")
        if permissions.identity_view_is_audited(user, obj):
            identity_view_record(user=user, incident=obj, ip=client_ip(request))
        return " / ".join(v for v in (obj.reporter_name, obj.reporter_phone, obj.reporter_email) if v) or "-"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        token = _current_request.set(request)
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _current_request.reset(token)

    def get_queryset(self, request):
        # Territory boundaries are large JSON documents: never join them in per row.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .defer("kecamatan__boundary", "desa__boundary")
        )

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in Incident._meta.concrete_fields if f.name not in self.exclude]
        return [*names, "reporter"]


@admin.register(IncidentEvent)
class IncidentEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "incident", "kind", "actor_label", "from_status", "to_status", "public")
    list_filter = ("kind", "public")
    list_select_related = ("incident__category",)
    search_fields = ("=incident__tracking_code",)
    raw_id_fields = ("incident", "actor")


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Evidence: nobody adds, changes or deletes audit rows, superusers included."""

    list_display = ("created_at", "action", "actor_label", "incident", "ip_address")
    list_filter = ("action",)
    list_select_related = ("incident__category",)
    search_fields = ("actor_label", "=incident__tracking_code", "=ip_address")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "action", "actor", "actor_label", "incident", "ip_address", "data")
    fields = readonly_fields

    def get_actions(self, request):
        return {}
