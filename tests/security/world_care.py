"""The care app's objects of the URL matrix's world (issue #22): a pending application to unit A, member_a's card
photo, a counsellor with a free slot and a slot member_a booked, and member_a's legal-help request."""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from care import links, services
from care.models import CounsellingSlot, Counsellor
from tests.factories import png, valid_id_number


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    application = services.application_submit(
        unit=tree["a"],
        data={
            "name": "顾晓雯",
            "gender": "",
            "birth_date": None,
            "ethnicity": "01",
            "native_place": "",
            "political_status": "masses",
            "education": "",
            "position": "",
            "professional_title": "",
            "employment_type": "agency",
            "mobile": "13962900001",
        },
        id_number=valid_id_number(93001, gender="F"),
    )
    photo = services.card_photo_set(actor=member_a, photo=SimpleUploadedFile("me.png", png(8, 8)))
    counsellor = Counsellor.objects.create(organization=tree["city"], name="陈静")
    tz = timezone.get_current_timezone()
    starts = datetime.combine(timezone.localdate() + timedelta(days=3), time(10), tzinfo=tz)
    free = CounsellingSlot.objects.create(counsellor=counsellor, starts_at=starts, ends_at=starts + timedelta(hours=1))
    taken = CounsellingSlot.objects.create(
        counsellor=counsellor, starts_at=starts + timedelta(hours=2), ends_at=starts + timedelta(hours=3)
    )
    booking = services.booking_create(actor=member_a, slot_id=taken.pk, topic="压力")
    legal = services.legal_request_send(actor=member_a, subject="加班费", description="单位拖欠加班费")
    ids.update(
        join_key=links.join_key(tree["a"].pk),
        join_status_key=links.status_key(application),
        application=application.pk,
        free_slot=free.pk,
        booking=booking.pk,
        legal=legal.pk,
    )
    ids["stored_files"].append(photo.photo.name)
