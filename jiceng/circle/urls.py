from django.urls import path

from jiceng.circle import views

app_name = "circle"
urlpatterns = [
    path("", views.circle_map, name="map"),
    path("layers.json", views.circle_layers, name="layers"),
    path("recommend/", views.circle_recommend, name="recommend"),
    path("export.xlsx", views.circle_export, name="export"),
    path("places/", views.place_list, name="places"),
    path("places/<int:pk>/", views.place_detail, name="place"),
    path("photos/<int:pk>/", views.place_photo, name="photo"),
    path("import/<str:kind>/", views.import_view, name="import"),
    path("import/<str:kind>/template.xlsx", views.import_template, name="import_template"),
    path("jobs/<int:pk>/", views.import_job, name="import_job"),
]
