from django.db.models import QuerySet

from .models import Notification, NotificationPreference


def notification_list(*, actor, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.for_actor(actor)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, actor) -> int:
    return Notification.objects.for_actor(actor).filter(read_at__isnull=True).count()


def preference_for(*, actor) -> NotificationPreference:
    """The actor's preference (an unsaved default when none is stored)."""
    return NotificationPreference.objects.for_actor(actor).first() or NotificationPreference(user=actor)
