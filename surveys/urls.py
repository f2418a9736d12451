from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.SurveyListView.as_view(), name="list"),
    path("new/", views.SurveyCreateView.as_view(), name="create"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="detail"),
    path("<int:pk>/questions/", views.QuestionAddView.as_view(), name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/remove/", views.QuestionRemoveView.as_view(), name="question_remove"),
    path("<int:pk>/do/<slug:action>/", views.SurveyActionView.as_view(), name="action"),
    path("<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/results.xlsx", views.ExportView.as_view(), name="export"),
]
