from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from members import access_views
from members import views as member_views

from .views import favicon, healthz, liveness

handler400 = "nantong_union.views.bad_request"
handler403 = "nantong_union.views.permission_denied"
handler404 = "nantong_union.views.page_not_found"
handler500 = "nantong_union.views.server_error"

urlpatterns = [
    path("", member_views.HomeView.as_view(), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", liveness, name="liveness"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", access_views.LoggedPasswordChangeView.as_view(), name="password_change"),
    path("accounts/two-factor/", access_views.TwoFactorView.as_view(), name="two_factor"),
    path("accounts/two-factor/verify/", access_views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("assistance/", include("assistance.urls")),
    path("welfare/", include("welfare.urls")),
    path("voice/", include("voice.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("elections/", include("elections.urls")),
    path("surveys/", include("surveys.urls")),
    path("contests/", include("contests.urls")),
    path("quiz/", include("quiz.urls")),
    path("funds/", include("funds.urls")),
    path("care/", include("care.urls")),
    path("admin/", admin.site.urls),
]
