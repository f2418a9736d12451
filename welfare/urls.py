from django.urls import path  # noqa: F401  (the app's pages are added by its issue)

app_name = "welfare"
urlpatterns: list = []
