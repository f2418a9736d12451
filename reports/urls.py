from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportHomeView.as_view(), name="index"),
    path("<int:pk>/status/", views.ReportStatusView.as_view(), name="status"),
    path("<int:pk>/download/", views.ReportDownloadView.as_view(), name="download"),
]
