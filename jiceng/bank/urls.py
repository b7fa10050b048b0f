from django.urls import include, path

from jiceng.bank.views import ledger as views

app_name = "bank"
urlpatterns = [
    path("log/<str:code>/", views.log_page, name="log"),
    path("log/<str:code>/consistency.json", views.consistency_proof, name="consistency"),
    path("me/", views.my_points, name="my_points"),
    path("me/transfers/<int:pk>/proof.json", views.my_proof, name="my_proof"),
]

# The Moral Alliance, giving and reports have their own URL modules.
urlpatterns += [path("", include("jiceng.bank.rewards_urls"))]
