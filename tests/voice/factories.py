from __future__ import annotations

import factory
from django.utils import timezone

from members.models import HonourLevel
from tests.factories import MemberFactory, OrganizationFactory
from voice.models import Category, ItemKind, Talk, UnitHonour, UnitHonourTitle, VoiceItem


class VoiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoiceItem

    sender = factory.SubFactory(MemberFactory)
    sender_unit = factory.LazyAttribute(lambda o: o.sender.unit)
    addressee = factory.LazyAttribute(lambda o: o.sender.unit)
    kind = ItemKind.SUGGESTION
    category = Category.WORK_CONDITIONS
    subject = factory.Sequence(lambda n: f"建议{n}")
    text = "食堂晚餐供应时间太短。"
    created_at = factory.LazyFunction(timezone.now)
    waiting_since = factory.LazyAttribute(lambda o: o.created_at)


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk

    member = factory.SubFactory(MemberFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    talked_by = "工会主席"
    topics = "工作压力"


class UnitHonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitHonour

    unit = factory.SubFactory(OrganizationFactory)
    title = UnitHonourTitle.MODEL_STAFF_HOME
    level = HonourLevel.CITY
    year = factory.Sequence(lambda n: 2000 + n % 26)
