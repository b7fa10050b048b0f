from django.urls import path

from jiceng.bank import views

app_name = "bank"
urlpatterns = [
    path("log/<str:code>/", views.log_page, name="log"),
    path("log/<str:code>/consistency.json", views.consistency_proof, name="consistency"),
    path("me/", views.my_points, name="my_points"),
    path("me/transfers/<int:pk>/proof.json", views.my_proof, name="my_proof"),
]
