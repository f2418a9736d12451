"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model

from members import idnumbers
from members.demo import id_number_for
from members.models import Member, Organization, OrganizationKind
from members.pinyin import name_keys


def valid_id_number(n: int, *, gender: str = "M", born: date | None = None) -> str:
    """A distinct valid number for each n (unique birth date and sequence), of the given gender."""
    step = n if born else n // 12000  # with a given birth date, the sequence tells people apart
    born = born or date(1966, 1, 1) + timedelta(days=n % 12000)
    seq = (step * 2) % 1000 + (1 if gender == "M" else 0)
    return id_number_for("320602", born, seq)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("Test@pass-2026")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrganizationKind.UNIT
    parent = None


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"张{'伟芳明丽强静'[n % 6]}{'一二三四五六七八九十'[n % 10]}")
    gender = "M"
    birth_date = factory.LazyAttribute(lambda o: idnumbers.parse(o.id_number).birth_date)
    unit = factory.SubFactory(OrganizationFactory)
    join_date = date(2015, 3, 1)
    card_number = factory.Sequence(lambda n: f"T{n:07d}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")

    class Params:
        id_number = factory.Sequence(valid_id_number)

    @factory.lazy_attribute
    def id_number_encrypted(self):
        return idnumbers.encrypt(self.id_number)

    @factory.lazy_attribute
    def id_number_hash(self):
        return idnumbers.keyed_hash(self.id_number)

    @factory.lazy_attribute
    def id_number_masked(self):
        return idnumbers.mask(self.id_number)

    @factory.lazy_attribute
    def name_pinyin(self):
        return name_keys(self.name)[0]

    @factory.lazy_attribute
    def name_search(self):
        return name_keys(self.name)[1]


def png(width: int = 2, height: int = 2) -> bytes:
    """A PNG of the given size (its header says so: a huge one is an image bomb of a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"".join(b"\0" + b"\0\0\0" * width for _ in range(min(height, 4))))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
