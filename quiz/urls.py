from django.urls import path

from . import views

app_name = "quiz"
urlpatterns = [
    path("", views.QuizListView.as_view(), name="list"),
    path("new/", views.QuizCreateView.as_view(), name="create"),
    path("<int:pk>/", views.QuizDetailView.as_view(), name="detail"),
    path("<int:pk>/start/", views.AttemptStartView.as_view(), name="start"),
    path("<int:pk>/leaderboard/", views.LeaderboardView.as_view(), name="leaderboard"),
    path("<int:pk>/leaderboard.xlsx", views.LeaderboardXlsxView.as_view(), name="leaderboard_xlsx"),
    path("attempts/<int:pk>/", views.AttemptView.as_view(), name="attempt"),
    path("attempts/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("attempts/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("subjects/", views.SubjectListView.as_view(), name="subjects"),
    path("subjects/<int:pk>/", views.SubjectView.as_view(), name="subject"),
    path("subjects/template.xlsx", views.TemplateXlsxView.as_view(), name="template"),
]
