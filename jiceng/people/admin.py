from django.contrib import admin

from jiceng.core.admin import AuditedAdmin
from jiceng.people.models import Household, PartyMembership, Person


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "gender", "community", "masked_phone", "id_number_masked"]
    search_fields = ["name"]
    raw_id_fields = ["district", "community", "household"]
    readonly_fields = ["id_number_masked"]


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin):
    list_display = ["number", "community", "address"]
    raw_id_fields = ["district", "community"]


@admin.register(PartyMembership)
class PartyMembershipAdmin(AuditedAdmin):
    list_display = ["person", "origin", "home_branch"]
    list_filter = ["origin"]
    raw_id_fields = ["person", "district", "home_branch"]
