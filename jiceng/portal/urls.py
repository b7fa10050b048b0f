from django.urls import path

from jiceng.portal.views import community, homes

app_name = "portal"
urlpatterns = [
    path("work/", homes.workbench, name="workbench"),
    path("work/vouchers/", homes.vouchers_expiring, name="vouchers_expiring"),
    path("unit/", homes.unit_home, name="unit_home"),
    path("me/", homes.resident_home, name="resident_home"),
    path("community/<str:code>/", community.community, name="community"),
]
