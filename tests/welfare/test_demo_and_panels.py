"""The demo seeder (idempotent) and the dashboard panel."""

import io
import random

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from welfare import demo
from welfare.models import Distribution, WelfarePolicy

pytestmark = pytest.mark.django_db


@freeze_time("2026-11-20 02:00:00")  # 10:00 in Nantong
def test_seed_demo_adds_policies_and_batches_once():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    batches = Distribution.objects.count()
    assert batches == 2 and WelfarePolicy.objects.filter(year__in=[2026, 2027], province="江苏").count() == 2
    assert all(not d.is_draft for d in Distribution.objects.all())
    demo.seed(stdout=io.StringIO(), rng=random.Random(1))
    assert Distribution.objects.count() == batches


@freeze_time("2026-09-20 02:00:00")
def test_dashboard_shows_the_coming_festivals(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/").content.decode()
    assert 'data-testid="welfare-panel"' in page and "2026-09-25" in page and "2026-10-01" in page
