from django.contrib import admin

from jiceng.core.admin import AuditedAdmin
from jiceng.orgs.models import Organization


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "party_level", "sector", "region", "is_active"]
    list_filter = ["kind", "party_level", "sector"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["district", "region", "parent"]
