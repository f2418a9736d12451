from django.db.models import QuerySet

from .models import Notification


def notification_list(*, actor, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=actor)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
