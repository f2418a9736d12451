"""Factories and helpers for the contests tests."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contests import services
from contests.models import Contest, Entry
from tests.factories import MemberFactory, UserFactory


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    title = factory.Sequence(lambda n: f"摄影比赛{n}")
    kind = "photography"
    allow_image = True
    allow_text = True
    submissions_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


def jpeg(*, exif_artist: str = "", size=(40, 30)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 100, 50))
    out = io.BytesIO()
    if exif_artist:
        exif = Image.Exif()
        exif[0x013B] = exif_artist  # Artist
        exif[0x010F] = "Canon"  # Make
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def photo_upload(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(**kwargs), content_type="image/jpeg")


RUBRIC = [
    ("内容", Decimal(40), Decimal(40)),
    ("表达", Decimal(30), Decimal(30)),
    ("创意", Decimal(20), Decimal(20)),
    ("规范", Decimal(10), Decimal(10)),
]


def entrant(unit, **kwargs):
    """A member of ``unit`` with a login; returns the login."""
    user = UserFactory()
    MemberFactory(unit=unit, user=user, **kwargs)
    return user


def submit(user, contest, title="作品", **kwargs) -> Entry:
    return services.entry_submit(
        actor=user, contest=contest, data={"title": title, "text": kwargs.pop("text", "正文")}, **kwargs
    )


def score_all(judge, values_by_code=None, default=(30, 20, 15, 8)):
    """The judge scores every sheet (values per criterion in rubric order)."""
    criteria = list(judge.contest.criteria.order_by("position"))
    for sheet in judge.assignments.select_related("entry"):
        vals = (values_by_code or {}).get(sheet.entry.code, default)
        services.sheet_save(
            actor=judge.user, assignment=sheet, values={c.pk: Decimal(v) for c, v in zip(criteria, vals, strict=True)}
        )
