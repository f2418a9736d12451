from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("join/<str:key>/", views.JoinView.as_view(), name="join"),
    path("join/status/<str:key>/", views.JoinStatusView.as_view(), name="join_status"),
    path("applications/", views.ApplicationListView.as_view(), name="applications"),
    path("applications/poster/<int:unit_id>/", views.JoinPosterView.as_view(), name="join_poster"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/accept/", views.ApplicationAcceptView.as_view(), name="application_accept"),
    path("applications/<int:pk>/decline/", views.ApplicationDeclineView.as_view(), name="application_decline"),
    path("card/", views.CardView.as_view(), name="card"),
    path("card/print/", views.CardPrintView.as_view(), name="card_print"),
    path("card/photo/", views.CardPhotoView.as_view(), name="card_photo"),
    path("card/photo/image/", views.CardPhotoImageView.as_view(), name="card_photo_image"),
    path("counselling/", views.CounsellingView.as_view(), name="counselling"),
    path("counselling/manage/", views.CounsellingManageView.as_view(), name="counselling_manage"),
    path("counselling/slots/<int:pk>/book/", views.BookView.as_view(), name="book"),
    path("counselling/slots/<int:pk>/delete/", views.SlotDeleteView.as_view(), name="slot_delete"),
    path("counselling/bookings/", views.BookingListView.as_view(), name="bookings"),
    path("counselling/bookings/<int:pk>/", views.BookingDetailView.as_view(), name="booking_detail"),
    path("counselling/bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking_cancel"),
    path("legal/", views.LegalView.as_view(), name="legal"),
    path("legal/inbox/", views.LegalInboxView.as_view(), name="legal_inbox"),
    path("legal/<int:pk>/", views.LegalDetailView.as_view(), name="legal_detail"),
    path("legal/<int:pk>/<slug:action>/", views.LegalActionView.as_view(), name="legal_action"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("training/", views.TrainingListView.as_view(), name="training"),
    path("training/officers/", views.OfficersUntrainedView.as_view(), name="officers_untrained"),
    path("health/", views.HealthChecksView.as_view(), name="health"),
]
