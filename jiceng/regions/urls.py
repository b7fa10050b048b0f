from django.urls import path

from jiceng.regions.views import tree

app_name = "regions"
urlpatterns = [path("", tree.region_tree, name="tree")]
