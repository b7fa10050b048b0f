from django.urls import path

from jiceng.diary.views import entries as views

app_name = "diary"
urlpatterns = [
    path("", views.diary_list, name="list"),
    path("new/", views.diary_new, name="new"),
    path("<int:pk>/claim/", views.diary_claim, name="claim"),
]
