from django.contrib import admin

from jiceng.circle.models import CandidateSite, PlacePhoto, ResidentialPoint, ServicePlace, WalkNetwork


class PlacePhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0


@admin.register(ServicePlace)
class ServicePlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "always_open", "opens_at", "closes_at"]
    list_filter = ["kind", "always_open"]
    search_fields = ["name", "address"]
    raw_id_fields = ["district", "community"]
    inlines = [PlacePhotoInline]


@admin.register(ResidentialPoint)
class ResidentialPointAdmin(admin.ModelAdmin):
    list_display = ["id", "building", "community", "households", "residents", "source"]
    list_filter = ["source"]
    raw_id_fields = ["district", "community"]


@admin.register(WalkNetwork)
class WalkNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "nodes", "edges", "is_synthetic", "imported_at"]
    readonly_fields = ["path", "nodes", "edges", "min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(CandidateSite)
class CandidateSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "lon", "lat"]
    raw_id_fields = ["district", "community"]
