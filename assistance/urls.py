from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("new/", views.CaseCreateView.as_view(), name="case_create"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/edit/", views.CaseUpdateView.as_view(), name="case_update"),
    path("<int:pk>/household/<int:person_pk>/remove/", views.HouseholdRemoveView.as_view(), name="household_remove"),
    path("<int:pk>/step/<slug:action>/", views.CaseStepView.as_view(), name="case_step"),
    path("<int:pk>/documents/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("notice/", views.NoticeView.as_view(), name="notice"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/roster/", views.RosterAddView.as_view(), name="roster_add"),
    path("campaigns/<int:pk>/grants/", views.BatchGrantView.as_view(), name="grant_batch"),
    path("roster/<int:pk>/remove/", views.RosterRemoveView.as_view(), name="roster_remove"),
    path("grants/<int:pk>/received/", views.GrantReceivedView.as_view(), name="grant_received"),
    path("reports/", views.ReportView.as_view(), name="report"),
    path("reports/xlsx/", views.ReportExportView.as_view(), name="report_xlsx"),
    path("reports/print/", views.ReportPrintView.as_view(), name="report_print"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("recuperation/", views.RecuperationView.as_view(), name="recuperation"),
]
