from django.urls import path

from jiceng.cockpit.views import overview

app_name = "cockpit"
urlpatterns = [
    path("", overview.overview_view, name="overview"),
    path("<str:code>/", overview.overview_view, name="region"),
]
