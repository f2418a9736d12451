"""python manage.py seed_demo [--members N] [--password P]: idempotent demo data."""

from __future__ import annotations

import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from members import demo, idnumbers
from members.countcache import members_changed
from members.models import Member, Organization, OrganizationKind, Role
from members.registry import demo_seeders
from members.roles import sync_role_groups
from members.scoping import unscoped
from members.services import role_assign

DEFAULT_PASSWORD = "Union@2026"
HONOUR_NAMES = ("劳动模范", "先进工作者", "优秀工会干部", "岗位能手")

#: username -> (full name, role, organisation the role is held at)
DEMO_ACCOUNTS = {
    "admin": ("市级机关工会管理员", Role.CITY_ADMIN, demo.CITY),
    "zonelead": ("经济联系片负责人", Role.ZONE_LEAD, "经济联系片"),
    "officer": ("财政局工会干部", Role.UNIT_OFFICER, "市财政局"),
    "member": ("财政局会员", None, "市财政局"),
}


class Command(BaseCommand):
    help = "Create the demo organisations, members and accounts (running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=600, help="How many demo members (default 600).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of the demo accounts.")
        parser.add_argument("--skip-apps", action="store_true", help="Only organisations, members, accounts.")

    @unscoped("seeding the demo: the command writes and reads every unit's data")
    def handle(self, *args, members: int, password: str, skip_apps: bool, **options):
        if members < 0:
            self.stderr.write("--members must be 0 or more")
            return
        started = time.monotonic()
        sync_role_groups()
        with transaction.atomic():
            units = self._organisations()
            created = self._members(members, units)
            self._accounts(password, units)
            self._committees_and_honours(units)
        self.stdout.write(
            f"Members: {created} created, {Member.objects.count()} in all ({time.monotonic() - started:.1f} s)."
        )
        if not skip_apps:
            rng = random.Random(2019)
            for seeder in demo_seeders():
                seeder(stdout=self.stdout, rng=rng)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts (password: {password}): admin (city administrator), zonelead (经济联系片), "
                "officer (市财政局 officer), member (市财政局 member)"
            )
        )

    def _organisations(self) -> dict[str, Organization]:
        city, _ = Organization.objects.get_or_create(name=demo.CITY, defaults={"kind": OrganizationKind.CITY})
        units: dict[str, Organization] = {}
        for z, (zone_name, unit_names) in enumerate(demo.ZONES.items()):
            zone, _ = Organization.objects.get_or_create(
                name=zone_name, defaults={"kind": OrganizationKind.ZONE, "parent": city, "sort_order": z}
            )
            for u, unit_name in enumerate(unit_names):
                units[unit_name], _ = Organization.objects.get_or_create(
                    name=unit_name, defaults={"kind": OrganizationKind.UNIT, "parent": zone, "sort_order": z * 100 + u}
                )
        return units

    def _members(self, count: int, units: dict[str, Organization]) -> int:
        existing = set(Member.objects.filter(card_number__startswith="NT").values_list("card_number", flat=True))
        batch: list[Member] = []
        created = 0
        for p in demo.people(count, list(units)):
            if p.card_number in existing:
                continue
            m = Member(
                name=p.name,
                gender=p.gender,
                ethnicity=p.ethnicity,
                birth_date=p.birth_date,
                id_number_encrypted=idnumbers.encrypt(p.id_number),
                id_number_hash=idnumbers.keyed_hash(p.id_number),
                id_number_masked=idnumbers.mask(p.id_number),
                native_place=p.native_place,
                political_status=p.political_status,
                education=p.education,
                unit=units[p.unit_name],
                position=p.position,
                professional_title=p.professional_title,
                employment_type=p.employment_type,
                join_date=p.join_date,
                card_number=p.card_number,
                mobile=p.mobile,
                status=p.status,
            )
            m.fill_name_keys()
            batch.append(m)
            if len(batch) >= 2000:
                created += self._flush(batch)
        created += self._flush(batch)
        return created

    @staticmethod
    def _flush(batch: list[Member]) -> int:
        if not batch:
            return 0
        n = len(batch)
        bulk_create_with_history(batch, Member, batch_size=2000, default_change_reason="seed_demo")
        members_changed()  # bulk_create sends no signals: the member list's kept counts go stale
        batch.clear()
        return n

    def _accounts(self, password: str, units: dict[str, Organization]) -> None:
        User = get_user_model()
        orgs = {o.name: o for o in Organization.objects.all()}
        for username, (full_name, role, org_name) in DEMO_ACCOUNTS.items():
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
            if created:
                user.set_password(password)
                user.save()
            if role:
                role_assign(user=user, organization=orgs[org_name], role=role)
            if username == "admin" and not user.is_superuser:
                user.is_superuser = user.is_staff = True
                user.save(update_fields=["is_superuser", "is_staff"])
            # Officers, zone leads and members are members too: link a demo member of the unit.
            if username in ("officer", "member", "zonelead") and not Member.objects.filter(user=user).exists():
                unit = units["市财政局"] if username != "zonelead" else units["市商务局"]
                candidate = (
                    Member.objects.filter(unit=unit, user__isnull=True, status="active").order_by("card_number").first()
                )
                if candidate:
                    candidate.user = user
                    candidate.save(update_fields=["user", "updated_at"])
                    user.first_name = candidate.name
                    user.save(update_fields=["first_name"])

    def _committees_and_honours(self, units: dict[str, Organization]) -> None:
        """A committee per unit (terms spread so that some elections fall due soon) and some honours."""
        from datetime import date, timedelta

        from members.models import Committee, CommitteePost, Honour

        today = date.today()
        for i, unit in enumerate(units.values()):
            if Committee.objects.filter(unit=unit).exists():
                continue
            years = 5 if i % 3 else 3
            start = today.replace(year=today.year - years) + timedelta(days=20 + i * 37)
            committee = Committee.objects.create(unit=unit, term_start=start, term_years=years)
            people = list(Member.objects.filter(unit=unit, status="active").order_by("card_number")[:7])
            posts = ["chair", "vice_chair", "member", "member", "audit", "women", "member"]
            CommitteePost.objects.bulk_create(
                CommitteePost(
                    committee=committee, member=m, post=p, elected_on=start, by_election=(p == "member" and k == 6)
                )
                for k, (m, p) in enumerate(zip(people, posts, strict=False))
                if p != "women" or m.gender == "F"
            )
        if not Honour.objects.exists():
            titles = ["model_worker", "advanced_worker", "outstanding_officer", "post_expert"]
            levels = ["city", "unit", "provincial", "city"]
            picks = Member.objects.filter(status="active").order_by("card_number")[:400:20]
            Honour.objects.bulk_create(
                Honour(
                    member=m,
                    title=titles[k % 4],
                    level=levels[k % 4],
                    year=2020 + k % 6,
                    name=f"{2020 + k % 6}年度南通市级机关{HONOUR_NAMES[k % 4]}",
                )
                for k, m in enumerate(picks)
            )
