from django.urls import path

from jiceng.activities.views import activity, checkin, closing, places, signup

app_name = "activities"
urlpatterns = [
    path("", activity.activity_list, name="list"),
    path("export.xlsx", activity.list_export, name="list_export"),
    path("new/", activity.activity_create, name="create"),
    path("places/", places.place_use, name="places"),
    path("places/<int:pk>/", places.place_history, name="place"),
    path("my-code/", checkin.my_code, name="my_code"),
    path("<int:pk>/", activity.activity_detail, name="detail"),
    path("<int:pk>/signup/", signup.signup, name="signup"),
    path("<int:pk>/signup/cancel/", signup.signup_cancel, name="signup_cancel"),
    path("<int:pk>/checkin/<str:token>/", checkin.checkin, name="checkin"),
    path("<int:pk>/manage/", checkin.manage, name="manage"),
    path("<int:pk>/qr/", checkin.qr, name="qr"),
    path("<int:pk>/screen/", checkin.screen, name="screen"),
    path("<int:pk>/checkin-code/", checkin.checkin_code, name="checkin_code"),
    path("checkins/<int:pk>/checkout/", checkin.checkout, name="checkout"),
    path("<int:pk>/close/", closing.close, name="close"),
    path("<int:pk>/file-claims/", closing.file_claims, name="file_claims"),
    path("<int:pk>/cancel/", closing.cancel, name="cancel"),
    path("<int:pk>/attendance.xlsx", checkin.attendance_export, name="attendance_export"),
]
