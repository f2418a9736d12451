"""django-import-export resource for the member roster (会员花名册) in Excel.

Chinese column headers (the template's), choice columns by their Chinese label (or code), the
unit by its name and limited to the units the officer manages, the ID number checked (GB 11643),
encrypted and matched by its keyed hash. Every check that would need a query per row is done
against look-ups loaded once in ``before_import``, so that 10,000 rows validate and save quickly.

A row is identified by its card number: re-importing a file updates those members (mode
"update") or reports them as already registered (mode "report"); it never creates duplicates.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import idnumbers
from .choices import CURRENT_STATUSES, Education, EmploymentType, Ethnicity, Gender, PoliticalStatus
from .excel import IMPORT_COLUMNS, chinese
from .models import ChangeKind, Member, MembershipChange, Organization
from .scoping import unscoped

MODE_UPDATE = "update"
MODE_REPORT = "report"
UPDATABLE = [
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "native_place",
    "political_status",
    "education",
    "position",
    "professional_title",
    "employment_type",
    "join_date",
    "mobile",
    "notes",
    "id_number_encrypted",
    "id_number_hash",
    "id_number_masked",
]


class ChoiceWidget(widgets.Widget):
    """A choice column: the Chinese (or English) label or the stored code."""

    def __init__(self, choices, default=""):
        self.codes = {code for code, _label in choices.choices}
        self.choices = choices
        self.default = default
        self._labels = None

    @property
    def labels(self) -> dict[str, str]:
        if self._labels is None:
            labels = {}
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    labels.update({str(label): code for code, label in self.choices.choices})
            # Common spellings on rosters.
            labels.update({"男": "M", "女": "F"}) if self.choices is Gender else None
            self._labels = labels
        return self._labels

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return self.default
        text = str(value).strip()
        if text in self.codes:
            return text
        if text in self.labels:
            return self.labels[text]
        if self.choices is Ethnicity and f"{text}族" in self.labels:
            return self.labels[f"{text}族"]
        raise ValueError(
            _("“%(value)s” is not one of the allowed values (see the template's second sheet).") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices.choices).get(value, value or ""))


class DateWidget(widgets.Widget):
    """A date cell, or text such as 2020-05-04, 2020/5/4, 2020.5.4, 20200504."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
        if len(text) == 8 and text.isdigit():
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        try:
            y, m, d = (int(p) for p in text.split("-"))
            return date(y, m, d)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date (write it as 2020-05-04).") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return value


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a text column
        return str(value).strip()


class MemberResource(resources.ModelResource):
    """Import of members for one actor (an officer: the own unit; a city administrator: any unit)."""

    def __init__(self, *, actor=None, mode: str = MODE_UPDATE, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.mode = mode
        self.fields = {}
        text, dates = TextWidget(), DateWidget()
        widget_for = {
            "gender": ChoiceWidget(Gender),
            "ethnicity": ChoiceWidget(Ethnicity, default=Ethnicity.HAN),
            "political_status": ChoiceWidget(PoliticalStatus, default=PoliticalStatus.MASSES),
            "education": ChoiceWidget(Education),
            "employment_type": ChoiceWidget(EmploymentType, default=EmploymentType.ESTABLISHED),
            "birth_date": dates,
            "join_date": dates,
        }
        for field, label, _required, _example in IMPORT_COLUMNS:
            attribute = None if field in ("id_number", "unit") else field
            self.fields[field] = fields.Field(
                attribute=attribute, column_name=chinese(label), widget=widget_for.get(field, text)
            )
        self.columns = {f: self.fields[f].column_name for f in self.fields}
        self.created: list[Member] = []

    class Meta:
        model = Member
        import_id_fields = ["card_number"]
        skip_diff = True
        use_bulk = True
        batch_size = 1000
        clean_model_instances = False
        force_init_instance = False

    # --- look-ups loaded once ---------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        missing = [c for f, c in self.columns.items() if f in REQUIRED and c not in dataset.headers]
        if missing:
            raise ValidationError(_("Columns missing: %(cols)s. Use the template.") % {"cols": "、".join(missing)})
        units = Organization.objects.for_actor(self.actor, manage=True).units().filter(is_active=True)
        self.units = {u.name: u for u in units}
        self.units.update({u.short_name: u for u in self.units.values() if u.short_name})
        cards = [str(c).strip() for c in dataset[self.columns["card_number"]] if c not in (None, "")]
        hashes = []
        for raw in dataset[self.columns["id_number"]]:
            try:
                hashes.append(idnumbers.keyed_hash(idnumbers.parse(str(raw or "")).number))
            except ValidationError:
                pass
        self.existing = {}
        self.hash_owner = {}
        with unscoped("card and ID numbers are unique across the city: the import must find every holder"):
            self._load_holders(cards, hashes)
        self.seen_cards: dict[str, int] = {}
        self.seen_hashes: dict[str, int] = {}
        self.today = timezone.localdate()

    def _load_holders(self, cards: list[str], hashes: list[str]) -> None:
        for chunk_start in range(0, max(len(cards), len(hashes)), 2000):
            chunk_cards = cards[chunk_start : chunk_start + 2000]
            for m in Member.objects.filter(card_number__in=chunk_cards).select_related("unit"):
                self.existing[m.card_number] = m
            chunk_hashes = hashes[chunk_start : chunk_start + 2000]
            for digest, card in Member.objects.filter(id_number_hash__in=chunk_hashes).values_list(
                "id_number_hash", "card_number"
            ):
                self.hash_owner[digest] = card

    def get_instance(self, instance_loader, row):
        return self.existing.get(str(row.get(self.columns["card_number"]) or "").strip())

    def init_instance(self, row=None):
        return Member(status="active")

    # --- a row ------------------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        col = self.columns
        row_number = kwargs.get("row_number", 0)

        def err(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        for field in REQUIRED:
            if field not in errors and str(row.get(col[field]) or "").strip() == "":
                err(field, _("This column is required."))
        # Unit: by name, and only a unit the importer manages.
        unit_name = str(row.get(col["unit"]) or "").strip()
        if unit_name and "unit" not in errors:
            unit = self.units.get(unit_name)
            if unit is None:
                err("unit", _("Unknown unit “%(name)s”, or not one you manage.") % {"name": unit_name})
            elif instance.pk and instance.unit_id != unit.pk:
                err("unit", _("This member belongs to another unit; transfer the member instead."))
            else:
                instance.unit = unit
        if instance.pk and instance.unit_id and instance.unit.name not in self.units:
            err("card_number", _("This card number is already in use."))
        # ID number: checksum, then birth date and gender agree.
        raw_id = str(row.get(col["id_number"]) or "").strip()
        id_facts = None
        if raw_id and "id_number" not in errors:
            try:
                facts = idnumbers.parse(raw_id)
            except ValidationError as exc:
                err("id_number", exc.messages[0])
            else:
                digest = idnumbers.keyed_hash(facts.number)
                if not instance.pk or digest != instance.id_number_hash:
                    instance.id_number_encrypted = idnumbers.encrypt(facts.number)
                    instance.id_number_hash = digest
                    instance.id_number_masked = idnumbers.mask(facts.number)
                owner = self.hash_owner.get(digest)
                if owner is not None and owner != instance.card_number:
                    err("id_number", _("This ID number belongs to an existing member with another card number."))
                elif digest in self.seen_hashes:
                    err(
                        "id_number",
                        _("The same ID number is on row %(row)s of this file.") % {"row": self.seen_hashes[digest] + 1},
                    )
                else:
                    self.seen_hashes[digest] = row_number
                instance.fill_from_id(facts)
                id_facts = facts
        card = instance.card_number
        if card and "card_number" not in errors:
            if card in self.seen_cards:
                err(
                    "card_number",
                    _("The same card number is on row %(row)s of this file.") % {"row": self.seen_cards[card] + 1},
                )
            else:
                self.seen_cards[card] = row_number
            if instance.pk and self.mode == MODE_REPORT:
                err("card_number", _("A member with this card number is already registered."))
        # The record's own rules (Member.rule_errors), as the member form applies them.
        for field, message in instance.rule_errors(id_facts, self.today).items():
            if field not in errors:
                err(field, message)
        if instance.pk and instance.status not in CURRENT_STATUSES and not errors:
            err("card_number", _("This member's membership has ended; it is not changed by an import."))
        # The model's own field checks (lengths, mobile, name), without per-row unique queries.
        exclude = [*errors, "unit", "user"]
        if "id_number" in errors:  # nothing to derive birth date and gender from: one message suffices
            exclude += [f for f in ("gender", "birth_date") if not getattr(instance, f)]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in errors:
                    errors[field if field in col else "__all__"] = messages
        if errors:
            raise ValidationError(
                {(col[f] if f in col else _("Row")): [str(m) for m in messages] for f, messages in errors.items()}
            )

    # --- saving -----------------------------------------------------------------------------------
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and not dry_run:
            created = bulk_create_with_history(
                self.create_instances,
                Member,
                batch_size=batch_size or 1000,
                default_change_reason="import",
                default_user=self.actor,
            )
            self.created.extend(created)
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and not dry_run:
            bulk_update_with_history(
                self.update_instances,
                Member,
                UPDATABLE + ["updated_at"],
                batch_size=batch_size or 1000,
                default_change_reason="import",
                default_user=self.actor,
                manager=Member.objects.for_actor(self.actor, manage=True),
            )
        self.update_instances.clear()

    def before_save_instance(self, instance, row, **kwargs):
        instance.updated_at = timezone.now()

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        created = [m for m in self.created if m.pk]
        if len(created) != len(self.created):  # backends that do not return primary keys
            by_card = dict(
                Member.objects.for_actor(self.actor, manage=True)
                .filter(card_number__in=[m.card_number for m in self.created])
                .values_list("card_number", "pk")
            )
            for m in self.created:
                m.pk = by_card.get(m.card_number)
            created = self.created
        MembershipChange.objects.bulk_create(
            [
                MembershipChange(
                    member_id=m.pk,
                    kind=ChangeKind.JOIN,
                    on=m.join_date,
                    to_unit_id=m.unit_id,
                    to_status=m.status,
                    reason=_("Excel import"),
                    recorded_by=self.actor,
                )
                for m in created
            ],
            batch_size=1000,
        )


def _messages(items) -> list[str]:
    out = []
    for item in items:
        out.extend(item.messages if isinstance(item, ValidationError) else [str(item)])
    return out


REQUIRED = [f for f, _label, required, _example in IMPORT_COLUMNS if required]


def import_errors(result) -> list[dict]:
    """Every bad row: its Excel row number (the header is row 1), the column and the message."""
    out = []
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            for message in messages:
                out.append({"row": invalid.number + 1, "column": column, "message": str(message)})
    for number, errors in result.row_errors():
        for error in errors:
            out.append({"row": number + 1, "column": "", "message": str(error.error)})
    for error in result.base_errors:
        out.append({"row": "", "column": "", "message": _error_text(error.error)})
    return out


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _("The file could not be imported.")
