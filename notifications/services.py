"""Writes of notifications. Idempotent by key: inserting the key first is what sends once."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from members.scoping import get_for_actor, unscoped

from . import unread
from .models import Notification, NotificationPreference

#: Delivery is the system's, not a person's: it writes and e-mails every recipient's notices by key.
DELIVERY = "notification delivery: the system writes and e-mails each recipient's own notices"

if TYPE_CHECKING:
    from .reminders import Reminder

logger = logging.getLogger(__name__)

#: E-mail attempts of one notification before the portal gives up (the task's retries and the sweep's).
MAX_EMAIL_ATTEMPTS = 7


def _enqueue_emails(notification_ids: Sequence[int]) -> None:
    """E-mail the notifications whose recipients asked for e-mail, after the transaction commits."""
    if not notification_ids:
        return
    from .tasks import notification_email_task

    with unscoped(DELIVERY):
        wanted = _wanting_email(notification_ids)
    if wanted:
        transaction.on_commit(lambda: _publish_emails(notification_email_task, wanted))


def _wanting_email(notification_ids: Sequence[int]) -> list[int]:
    return list(
        Notification.objects.filter(
            pk__in=notification_ids,
            emailed_at__isnull=True,
            recipient__notification_preference__by_email=True,
        ).values_list("pk", flat=True)
    )


#: After a failed publish the broker is not tried again for this many seconds (the e-mails stay pending):
#: a request that notifies twenty people must not wait for a dead broker twenty times.
BROKER_RETRY_AFTER = 30.0
_broker_down_until = 0.0


def _publish(send, what: str) -> bool:
    """Hand one task to the broker; False when it is down. The broker being down must not fail a request
    that already committed: the database row is the record, and the sweep catches up."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        send()
    except Exception as exc:  # noqa: BLE001 - kombu, redis or socket errors alike
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        logger.warning("broker unavailable, %s (%s: %s)", what, type(exc).__name__, exc)
        return False
    return True


def _publish_emails(task, notification_ids: list[int]) -> None:
    """Hand the e-mails to the worker; those the broker does not take stay pending (``emailed_at``
    empty) and ``notifications_email_pending`` (every 10 minutes, the daily run and
    ``send_daily_reminders``) sends them later."""
    for pk in notification_ids:
        _publish(lambda pk=pk: task.delay(notification_id=pk), f"the e-mail of notification {pk} waits for the sweep")


def notification_send(
    *, recipient_id: int, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """Create the notification unless one with this key exists; return it, or None if it did."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient_id=recipient_id, kind=kind, key=key[:200], title=title[:200], body=body, url=url
            )
    except IntegrityError:
        return None
    _enqueue_emails([notification.pk])
    return notification


@unscoped(DELIVERY)
def notifications_send_many(reminders: Sequence[Reminder], *, enqueue_email: bool = True) -> list[int]:
    """Insert many reminders at once (a fixed number of queries); returns the ids newly created.

    Keys that exist already are skipped (ON CONFLICT DO NOTHING); a concurrent run that inserts the
    same key first wins and this one sends nothing for it.
    """
    if not reminders:
        return []
    by_key = {r.key: r for r in reminders}
    if connection.vendor == "postgresql":
        created = _insert_new_keys(list(by_key.values()))
        if created:
            unread.bump()  # inserted without the model's signals
        if enqueue_email:
            _enqueue_emails(created)
        return created
    existing = set(Notification.objects.filter(key__in=list(by_key)).values_list("key", flat=True))
    fresh = [r for k, r in by_key.items() if k not in existing]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=r.recipient_id, kind=r.kind, key=r.key, title=r.title[:200], body=r.body, url=r.url
            )
            for r in fresh
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    # Which of them did *this* run insert? Rows of our keys that did not exist before and are new
    # since; a concurrent run's rows for the same keys are indistinguishable, so the e-mail task is
    # itself idempotent (it locks the row and checks emailed_at).
    created = list(Notification.objects.filter(key__in=[r.key for r in fresh]).values_list("pk", flat=True))
    if created:
        unread.bump()  # bulk_create sends no signals
    if enqueue_email:
        _enqueue_emails(created)
    return created


def _insert_new_keys(reminders: list[Reminder]) -> list[int]:
    """PostgreSQL: the reminders in one statement per 5,000, from arrays (``unnest``); a key that exists already
    inserts nothing (``ON CONFLICT DO NOTHING``) and ``RETURNING`` names exactly the rows this statement
    inserted. The ORM's ``bulk_create`` prepares every value of every row through its fields (0.9 s of a daily
    run that sends 12,000 voice reminders, issue #23); this sends six arrays."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    sql = (
        f"INSERT INTO {table} (recipient_id, kind, key, title, body, url, created_at, email_attempts, email_error) "  # noqa: S608
        "SELECT r, k, ky, t, b, u, %s, 0, '' FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], "
        "%s::text[]) AS v (r, k, ky, t, b, u) ON CONFLICT (key) DO NOTHING RETURNING id"
    )
    now = timezone.now()
    created: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(reminders), 5000):
            chunk = reminders[start : start + 5000]
            cursor.execute(
                sql,
                [
                    now,
                    [r.recipient_id for r in chunk],
                    [r.kind for r in chunk],
                    [r.key for r in chunk],
                    [r.title[:200] for r in chunk],
                    [r.body for r in chunk],
                    [r.url for r in chunk],
                ],
            )
            created += [row[0] for row in cursor.fetchall()]
    return created


#: Notices about a person's own account (an officer reset the login, the second factor was reset): e-mailed to
#: any address the person gave, whatever they chose for other notices. The kind keeps the mark, so that the task
#: and the sweep know it too.
ACCOUNT_KIND = "account:"


def members_notice(
    *, recipient_id: int, kind: str, key: str, title: str, body: str = "", url: str = "", email: bool = False
) -> Notification | None:
    """members.registry's notifier (members may not import this app: it registers this). The inbox notice now,
    in the caller's transaction; with ``email`` (a notice about the own account) it is e-mailed after the commit
    whatever the person chose for other notices."""
    if not email:
        return notification_send(recipient_id=recipient_id, kind=kind, key=key, title=title, body=body, url=url)
    from .tasks import notification_email_task

    notification = notification_send(
        recipient_id=recipient_id,
        kind=f"{ACCOUNT_KIND}{kind}"[:40],
        key=f"{ACCOUNT_KIND}{key}",
        title=title,
        body=body,
        url=url,
    )
    if notification is not None:
        pk = notification.pk
        transaction.on_commit(
            lambda: _publish(lambda: notification_email_task.delay(notification_id=pk), f"account e-mail {pk}")
        )
    return notification


def preference_update(*, user, by_email: bool, email: str = "") -> NotificationPreference:
    preference, _ = NotificationPreference.objects.for_actor(user).get_or_create(user=user)
    preference.by_email = by_email
    preference.email = email
    preference.full_clean()
    preference.save()
    return preference


def notification_enqueue(**kwargs) -> None:
    """Send through the worker once the current transaction commits (ids and text only).

    Without a broker the notification is created here and now instead (idempotent by key): nothing
    is lost, and its e-mail waits for the sweep."""
    from .tasks import notification_send_task

    def publish() -> None:
        what = f"notification {kwargs.get('key')} created in process"
        if not _publish(lambda: notification_send_task.delay(**kwargs), what):
            notification_send(**kwargs)

    transaction.on_commit(publish)


class EmailDeliveryError(Exception):
    """The mail server refused or could not be reached; the portal notification stays."""


@unscoped(DELIVERY)
def notification_email(*, notification_id: int) -> bool:
    """E-mail one notification, once. Returns True if this call sent it.

    The row is locked while sending, and ``emailed_at`` is checked first, so a duplicate task or
    a redelivery sends nothing twice. A failure is recorded on the row and raised (the task retries).
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db.models import F

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        preference = NotificationPreference.objects.filter(user_id=notification.recipient_id).first()
        address = (preference.email if preference else "") or notification.recipient.email
        wanted = (preference is not None and preference.by_email) or notification.kind.startswith(ACCOUNT_KIND)
        if not wanted or not address:
            return False
        link = f"\n\n{settings.PORTAL_URL.rstrip('/')}{notification.url}" if notification.url.startswith("/") else ""
        try:
            send_mail(notification.title, f"{notification.body}{link}", None, [address], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any mail failure is retried by the task
            error = f"{type(exc).__name__}: {exc}"[:300]
        else:
            notification.emailed_at = timezone.now()
            notification.email_attempts += 1
            notification.email_error = ""
            notification.save(update_fields=["emailed_at", "email_attempts", "email_error"])
            return True
    Notification.objects.filter(pk=notification_id).update(email_attempts=F("email_attempts") + 1, email_error=error)
    raise EmailDeliveryError(error)


@dataclass(frozen=True)
class SweepResult:
    sent: int
    failed: int


@unscoped(DELIVERY)
def notifications_email_pending(
    *, older_than: timedelta = timedelta(minutes=5), within: timedelta = timedelta(days=7)
) -> SweepResult:
    """E-mail, in this process, every notification still waiting for its e-mail.

    Pending are the notifications of people who want e-mail, not yet e-mailed, created between
    ``within`` and ``older_than`` ago (younger ones are still on their way through the worker), with
    fewer than MAX_EMAIL_ATTEMPTS attempts. They are left behind when the broker was down when they
    were created, or when the mail server refused them until the task gave up. Sending is idempotent
    (the row is locked and ``emailed_at`` checked), so a worker task delivering the same one at the
    same moment sends nothing twice.
    """

    now = timezone.now()
    has_address = Q(recipient__notification_preference__email__gt="") | Q(recipient__email__gt="")
    pending = Notification.objects.filter(
        has_address,
        Q(recipient__notification_preference__by_email=True) | Q(kind__startswith=ACCOUNT_KIND),
        emailed_at__isnull=True,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        created_at__gte=now - within,
        created_at__lte=now - older_than,
    ).order_by("pk")
    sent = failed = 0
    for pk in pending.values_list("pk", flat=True).iterator():
        try:
            sent += notification_email(notification_id=pk)
        except EmailDeliveryError as exc:
            failed += 1
            logger.warning("e-mail of notification %s failed: %s", pk, exc)
    if sent or failed:
        logger.info("pending e-mails: %d sent, %d failed", sent, failed)
    return SweepResult(sent=sent, failed=failed)


@transaction.atomic
def notification_open(*, actor, pk: int) -> Notification:
    """The actor opens one of the own notices (404 for anyone else's): it is read from now on."""

    notification = get_for_actor(Notification, actor, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Every unread notice of the actor is read; returns how many."""

    from .selectors import notification_list

    marked = notification_list(actor=actor, unread_only=True).update(read_at=timezone.now())
    if marked:
        unread.bump()  # an update sends no signals
    return marked
