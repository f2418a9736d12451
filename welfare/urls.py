from django.urls import path

from . import views

app_name = "welfare"
urlpatterns = [
    path("", views.WelfareHomeView.as_view(), name="home"),
    path("distributions/", views.DistributionListView.as_view(), name="list"),
    path("distributions/new/", views.DistributionCreateView.as_view(), name="create"),
    path("distributions/<int:pk>/", views.DistributionDetailView.as_view(), name="detail"),
    path("distributions/<int:pk>/amount/", views.DistributionAmountView.as_view(), name="amount"),
    path("distributions/<int:pk>/confirm/", views.DistributionConfirmView.as_view(), name="confirm"),
    path("distributions/<int:pk>/delete/", views.DistributionDeleteView.as_view(), name="delete"),
    path(
        "distributions/<int:pk>/remove-over-cap/",
        views.DistributionRemoveOverCapView.as_view(),
        name="remove_over_cap",
    ),
    path("distributions/<int:pk>/recipients/add/", views.RecipientAddView.as_view(), name="recipient_add"),
    path(
        "distributions/<int:pk>/recipients/<int:rid>/remove/",
        views.RecipientRemoveView.as_view(),
        name="recipient_remove",
    ),
    path("distributions/<int:pk>/recipients/<int:rid>/sign/", views.RecipientSignView.as_view(), name="recipient_sign"),
    path("distributions/<int:pk>/signoff.xlsx", views.SignoffSheetView.as_view(), name="signoff_xlsx"),
    path("distributions/<int:pk>/print/", views.SignoffPrintView.as_view(), name="signoff_print"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report.xlsx", views.ReportExportView.as_view(), name="report_xlsx"),
    path("policies/", views.PolicyListView.as_view(), name="policies"),
    path("policies/<int:pk>/", views.PolicyEditView.as_view(), name="policy_edit"),
]
