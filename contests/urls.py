from django.urls import path

from . import views

app_name = "contests"
urlpatterns = [
    path("", views.ContestListView.as_view(), name="list"),
    path("new/", views.ContestCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ContestDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ContestUpdateView.as_view(), name="update"),
    path("<int:pk>/rubric/", views.RubricView.as_view(), name="rubric"),
    path("<int:pk>/judges/", views.JudgesView.as_view(), name="judges"),
    path("<int:pk>/judges/<int:jid>/remove/", views.JudgeRemoveView.as_view(), name="judge_remove"),
    path("<int:pk>/judging/start/", views.JudgingStartView.as_view(), name="judging_start"),
    path("<int:pk>/judging/remind/", views.RemindView.as_view(), name="remind"),
    path("<int:pk>/judging/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/finalise/", views.FinaliseView.as_view(), name="finalise"),
    path("<int:pk>/submissions/", views.SubmissionsView.as_view(), name="submissions"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/entries.xlsx", views.EntriesXlsxView.as_view(), name="entries_xlsx"),
    path("<int:pk>/scores.xlsx", views.ScoresXlsxView.as_view(), name="scores_xlsx"),
    path("<int:pk>/results.xlsx", views.ResultsXlsxView.as_view(), name="results_xlsx"),
    path("<int:pk>/certificates.pdf", views.CertificatesView.as_view(), name="certificates"),
    path("<int:pk>/enter/", views.EntryCreateView.as_view(), name="entry_create"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("entries/<int:pk>/replace/", views.EntryReplaceView.as_view(), name="entry_replace"),
    path("entries/<int:pk>/withdraw/", views.EntryWithdrawView.as_view(), name="entry_withdraw"),
    path("entries/<int:pk>/work/", views.EntryFileView.as_view(), name="entry_file"),
    path("results/<int:pk>/certificate.pdf", views.CertificateView.as_view(), name="certificate"),
    path("judging/", views.JudgingHomeView.as_view(), name="judging"),
    path("judging/<int:pk>/", views.SheetView.as_view(), name="sheet"),
    path("judging/<int:pk>/work/", views.SheetFileView.as_view(), name="sheet_file"),
    path("sheets/<int:pk>/correct/", views.SheetCorrectView.as_view(), name="sheet_correct"),
]
