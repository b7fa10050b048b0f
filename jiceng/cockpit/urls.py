from django.urls import path

from jiceng.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("<str:code>/", views.overview_view, name="region"),
]
