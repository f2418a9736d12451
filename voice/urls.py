from django.urls import path

from . import views

app_name = "voice"
urlpatterns = [
    path("", views.MyItemsView.as_view(), name="index"),
    path("new/", views.ItemCreateView.as_view(), name="new"),
    path("receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("<int:pk>/", views.ItemDetailView.as_view(), name="detail"),
    path("<int:pk>/attachment/", views.AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/<slug:action>/", views.ItemActionView.as_view(), name="action"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/export/", views.InboxExportView.as_view(), name="inbox_export"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("talks/", views.TalkListView.as_view(), name="talks"),
    path("talks/due/", views.WithoutTalkView.as_view(), name="talks_due"),
    path("talks/new/<int:member_id>/", views.TalkCreateView.as_view(), name="talk_new"),
    path("talks/<int:pk>/", views.TalkDetailView.as_view(), name="talk_detail"),
    path("talks/follow-ups/<int:pk>/done/", views.FollowUpDoneView.as_view(), name="follow_up_done"),
    path("honours/", views.HonourListView.as_view(), name="honours"),
    path("honours/new/", views.HonourCreateView.as_view(), name="honour_new"),
    path("honours/<int:pk>/delete/", views.HonourDeleteView.as_view(), name="honour_delete"),
]
