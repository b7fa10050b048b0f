from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from jiceng.api.api import api
from jiceng.bank.views import notices
from jiceng.core import views as core_views
from jiceng.portal.views import homes

urlpatterns = [
    path("", homes.home, name="home"),
    path("g/<str:short>/", notices.board_short, name="board_short"),  # printed under a board's QR code
    path("favicon.ico", core_views.favicon, name="favicon"),  # browsers ask for it at the root
    path("login/", core_views.login_view, name="login"),
    path("logout/", core_views.logout_view, name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("overview/", include("jiceng.cockpit.urls")),
    path("people/", include("jiceng.people.urls")),
    path("circle/", include("jiceng.circle.urls")),
    path("bank/", include("jiceng.bank.urls")),
    path("diary/", include("jiceng.diary.urls")),
    path("orgs/", include("jiceng.orgs.urls")),
    path("regions/", include("jiceng.regions.urls")),
    path("alliance/", include("jiceng.alliance.urls")),
    path("activities/", include("jiceng.activities.urls")),
    path("charters/", include("jiceng.charters.urls")),
    path("workforce/", include("jiceng.workforce.urls")),
    path("linkage/", include("jiceng.linkage.urls")),
    path("funding/", include("jiceng.funding.urls")),
    path("assessment/", include("jiceng.assessment.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("jiceng.core.urls")),
    path("", include("jiceng.portal.urls")),
]
