from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.ElectionListView.as_view(), name="list"),
    path("new/", views.ElectionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ElectionDetailView.as_view(), name="detail"),
    path("<int:pk>/races/", views.RaceSetView.as_view(), name="race_set"),
    path("<int:pk>/races/<int:race_pk>/remove/", views.RaceRemoveView.as_view(), name="race_remove"),
    path("<int:pk>/candidates/", views.CandidateAddView.as_view(), name="candidate_add"),
    path("<int:pk>/candidates/<int:cand_pk>/remove/", views.CandidateRemoveView.as_view(), name="candidate_remove"),
    path("<int:pk>/nominate/", views.NominateView.as_view(), name="nominate"),
    path("<int:pk>/do/<slug:action>/", views.ElectionActionView.as_view(), name="action"),
    path("<int:pk>/rounds/open/", views.RoundOpenView.as_view(), name="round_open"),
    path("rounds/<int:pk>/count/", views.RoundCountView.as_view(), name="round_count"),
    path("rounds/<int:pk>/boxes/", views.BoxEnterView.as_view(), name="box"),
    path("rounds/<int:pk>/vote/", views.VoteView.as_view(), name="vote"),
    path("rounds/<int:pk>/receipt/", views.ReceiptView.as_view(), name="receipt"),
]
