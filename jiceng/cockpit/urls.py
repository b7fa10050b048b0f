from django.urls import path

from jiceng.cockpit.views import overview

app_name = "cockpit"
urlpatterns = [
    path("", overview.overview_view, name="overview"),
    path("<str:code>/", overview.overview_view, name="region"),
    path("<str:code>/export.xlsx", overview.export_xlsx, name="export_xlsx"),
    path("<str:code>/export.json", overview.export_json, name="export_json"),
]
