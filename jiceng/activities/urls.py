from django.urls import path

from jiceng.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("export.xlsx", views.list_export, name="list_export"),
    path("new/", views.activity_create, name="create"),
    path("my-code/", views.my_code, name="my_code"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("<int:pk>/signup/cancel/", views.signup_cancel, name="signup_cancel"),
    path("<int:pk>/checkin/<str:token>/", views.checkin, name="checkin"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/qr/", views.qr, name="qr"),
    path("<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/checkin-code/", views.checkin_code, name="checkin_code"),
    path("checkins/<int:pk>/checkout/", views.checkout, name="checkout"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/file-claims/", views.file_claims, name="file_claims"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/attendance.xlsx", views.attendance_export, name="attendance_export"),
]
