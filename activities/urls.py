from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="list"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("mine/", views.MyRegistrationsView.as_view(), name="mine"),
    path("new/", views.ActivityCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="detail"),
    path("<int:pk>/poster/", views.PosterView.as_view(), name="poster"),
    path("<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="update"),
    path("<int:pk>/register/", views.RegisterView.as_view(), name="register"),
    path("<int:pk>/register-members/", views.RegisterMembersView.as_view(), name="register_members"),
    path("<int:pk>/teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("<int:pk>/participants/", views.ParticipantsView.as_view(), name="participants"),
    path("<int:pk>/participants.xlsx", views.ParticipantsExportView.as_view(), name="participants_xlsx"),
    path("<int:pk>/sign-in-sheet.xlsx", views.ParticipantsExportView.as_view(sign_in=True), name="signin_xlsx"),
    path("<int:pk>/qr.png", views.QRCodeView.as_view(), name="qr"),
    path("<int:pk>/qr/renew/", views.QRRenewView.as_view(), name="qr_renew"),
    path("<int:pk>/check-in/<str:token>/", views.CheckinView.as_view(), name="checkin"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/event.ics", views.ActivityICSView.as_view(), name="ics"),
    path("registrations/<int:pk>/cancel/", views.RegistrationCancelView.as_view(), name="registration_cancel"),
    path("teams/<int:pk>/cancel/", views.TeamCancelView.as_view(), name="team_cancel"),
    path("participation/", views.ParticipationView.as_view(), name="participation"),
    path("feed/", views.FeedSettingsView.as_view(), name="feed"),
    path("feed/<str:token>.ics", views.FeedICSView.as_view(), name="feed_ics"),
    path("mentoring/", views.MentoringListView.as_view(), name="mentoring"),
    path("reading-rooms/", views.ReadingRoomListView.as_view(), name="reading_rooms"),
]
