"""Admin of partner applications and their Open311 keys.

Keys are issued and revoked only through the services (audited); a new key
is shown once, on the page the action answers with, and never stored in
clear (not even in a flash message, which may live in a cookie).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitaaman.http import client_ip

from .models import PartnerApplication, PartnerKey
from .services import open311_key_create, open311_key_revoke

KEY_FIELDS = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")


class PartnerKeyInline(admin.TabularInline):
    model = PartnerKey
    fields = KEY_FIELDS
    readonly_fields = KEY_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "active", "active_keys", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "organisation")
    readonly_fields = ("created_at",)
    fields = ("name", "organisation", "contact_email", "note", "active", "created_at")
    inlines = [PartnerKeyInline]
    actions = ["issue_key", "revoke_keys"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_keys=Count("keys", filter=Q(keys__revoked_at__isnull=True)))

    @admin.display(description=gettext_lazy("kunci aktif"), ordering="n_keys")
    def active_keys(self, obj):
        return obj.n_keys

    def has_delete_permission(self, request, obj=None):
        # Reports keep a reference to the application that sent them: deactivate instead.
        return False

    @admin.action(description=gettext_lazy("Buat kunci API baru untuk aplikasi terpilih"))
    def issue_key(self, request, queryset):
        issued, refused = [], []
        for application in queryset:
            try:
                _key, raw = open311_key_create(
                    application_name=application.name, actor=request.user, ip=client_ip(request)
                )
            except ValidationError as exc:  # a deactivated application: say so, carry on with the others
                refused.append(f"{application.name}: {' '.join(exc.messages)}")
                continue
            issued.append({"application": application.name, "key": raw})
        for text in refused:
            self.message_user(request, text, messages.ERROR)
        if not issued:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kunci API Open311 baru"),
            "issued": issued,
            "opts": self.model._meta,
        }
        # The admin's views are never_cache: the page with the key is not stored.
        return TemplateResponse(request, "admin/open311/key_issued.html", context)

    @admin.action(description=gettext_lazy("Cabut semua kunci aplikasi terpilih"))
    def revoke_keys(self, request, queryset):
        total = 0
        for application in queryset:
            total += open311_key_revoke(application_name=application.name, actor=request.user, ip=client_ip(request))
        self.message_user(request, _("%(n)s kunci dicabut.") % {"n": total}, messages.SUCCESS)


@admin.register(PartnerKey)
class PartnerKeyAdmin(admin.ModelAdmin):
    list_display = ("application", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("application",)
    list_select_related = ("application",)
    search_fields = ("=prefix", "application__name")
    readonly_fields = ("application", *KEY_FIELDS)
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Cabut kunci terpilih"))
    def revoke(self, request, queryset):
        total = 0
        for key in queryset.select_related("application"):
            total += open311_key_revoke(
                application_name=key.application.name, prefix=key.prefix, actor=request.user, ip=client_ip(request)
            )
        self.message_user(request, _("%(n)s kunci dicabut.") % {"n": total}, messages.SUCCESS)
