from django.urls import path

from jiceng.circle.views import circle, imports, places

app_name = "circle"
urlpatterns = [
    path("", circle.circle_map, name="map"),
    path("layers.json", circle.circle_layers, name="layers"),
    path("recommend/", circle.circle_recommend, name="recommend"),
    path("export.xlsx", circle.circle_export, name="export"),
    path("places/", places.place_list, name="places"),
    path("places/<int:pk>/", places.place_detail, name="place"),
    path("photos/<int:pk>/", places.place_photo, name="photo"),
    path("import/<str:kind>/", imports.import_view, name="import"),
    path("import/<str:kind>/template.xlsx", imports.import_template, name="import_template"),
    path("jobs/<int:pk>/", imports.import_job, name="import_job"),
]
