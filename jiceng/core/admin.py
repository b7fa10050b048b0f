from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jiceng.core.audit import audit, snapshot
from jiceng.core.models import AuditLog, ImportJob, RoleGrant, User


class AuditedAdmin(admin.ModelAdmin):
    """Every change made through the admin site lands in the audit trail with before and after."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit(
            request.user,
            f"admin.{'change' if change else 'add'}",
            obj,
            before=before,
            after=snapshot(obj),
            request=request,
        )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        audit(request.user, "admin.delete", obj, before=before, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit(request.user, "admin.delete", obj, before=snapshot(obj), request=request)
        super().delete_queryset(request, queryset)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    raw_id_fields = ["region", "organization"]


@admin.register(User)
class JicengUserAdmin(AuditedAdmin, UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "display_name", "phone", "is_active"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ("phone", "display_name", "person")}),)
    raw_id_fields = ["person"]


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ["user", "role", "region", "organization"]
    list_filter = ["role"]
    raw_id_fields = ["user", "region", "organization"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_repr"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "status", "created_by"]
