from django.urls import path

from . import access_views, views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("export/", views.MemberExportView.as_view(), name="export"),
    path("import/", views.MemberImportView.as_view(), name="import"),
    path("import/template/", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/<str:token>/", views.MemberImportDetailView.as_view(), name="import_detail"),
    path("import/<str:token>/status/", views.MemberImportStatusView.as_view(), name="import_status"),
    path("import/<str:token>/confirm/", views.MemberImportConfirmView.as_view(), name="import_confirm"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberUpdateView.as_view(), name="edit"),
    path("<int:pk>/id-number/", views.MemberRevealIdView.as_view(), name="reveal_id"),
    path("<int:pk>/transfer/", views.MemberTransferView.as_view(), name="transfer"),
    path("<int:pk>/status/", views.MemberStatusView.as_view(), name="status"),
    path("<int:pk>/account/", views.AccountCreateView.as_view(), name="account"),
    path("password/", views.FirstPasswordView.as_view(), name="first_password"),
    path("<int:pk>/honours/new/", views.HonourCreateView.as_view(), name="honour_add"),
    path("honours/", views.HonourListView.as_view(), name="honour_list"),
    path("committees/", views.CommitteeListView.as_view(), name="committee_list"),
    path("units/<int:unit_pk>/committee/", views.CommitteeEditView.as_view(), name="committee"),
    path("id-number-views/", views.IdRevealLogView.as_view(), name="id_reveal_log"),
    path("access-records/", views.AccessRecordListView.as_view(), name="access_records"),
    path("access-records/export/", views.AccessRecordExportView.as_view(), name="access_records_export"),
    path("my-data/", views.MyDataView.as_view(), name="my_data"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/new/", views.CorrectionCreateView.as_view(), name="correction_create"),
    path("corrections/<int:pk>/answer/", views.CorrectionAnswerView.as_view(), name="correction_answer"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:unit_pk>/accounts/", views.AccountBulkView.as_view(), name="account_bulk"),
    # accounts and access (issue 16)
    path("transfers/", access_views.TransferListView.as_view(), name="transfers"),
    path("transfers/<int:pk>/<str:action>/", access_views.transfer_action_view, name="transfer_action"),
    path("login-log/", access_views.LoginLogView.as_view(), name="login_log"),
    path("history/", access_views.MembershipHistoryView.as_view(), name="membership_history"),
    path("<int:pk>/two-factor/reset/", access_views.SecondFactorResetView.as_view(), name="second_factor_reset"),
]
