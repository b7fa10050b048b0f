from django.urls import path

from jiceng.charters.views import charter

app_name = "charters"
urlpatterns = [
    path("", charter.charter_list, name="list"),
    path("new/", charter.charter_create, name="create"),
    path("<int:pk>/", charter.charter_detail, name="detail"),
]
