"""The Django admin entirely in Chinese: what the third-party apps leave untranslated or hard-coded.

- Permission names are stored in English when the tables are created ("Can add member"); the admin's
  permission pickers show them through ``Permission.__str__``, here rebuilt from the model's translated
  name (and, for the models' own permissions, from their translated Meta.permissions).
- django-celery-beat names the task field 'Task Name' and the scheduler column without gettext;
  django-axes calls its app "Axes". Their other strings are translated in the project's catalogue
  (locale/ comes first).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    opts = model._meta
    action, _sep, rest = permission.codename.partition("_")
    custom = dict(opts.permissions)
    if permission.codename in custom:
        name = str(custom[permission.codename])
    elif action in _ACTIONS and rest == opts.model_name:
        name = str(_ACTIONS[action]) % {"model": model_label(opts)}
    else:
        name = permission.name
    app = opts.app_config.verbose_name
    return f"{app} | {model_label(opts)} | {name}"


def model_label(opts) -> str:
    """A model's name; django-simple-history's "historical X" as "X历史记录"."""
    history_of = getattr(opts, "history_of_model", None) or getattr(getattr(opts, "model", None), "instance_type", None)
    if history_of is not None:
        return str(_("history of %(model)s") % {"model": history_of._meta.verbose_name})
    return str(opts.verbose_name)


def crontab_human_readable(self) -> str:
    """The schedule in words, in Chinese (cron-descriptor's zh_CN), without the time zone's code."""
    from cron_descriptor import ExpressionDescriptor, Options

    expression = " ".join([self.minute, self.hour, self.day_of_month, self.month_of_year, self.day_of_week])
    options = Options()
    options.locale_code = "zh_CN"
    options.use_24hour_time_format = True
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except Exception:  # noqa: BLE001 - an expression cron-descriptor does not read: shown as it is
        return expression


def install() -> None:
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    Permission.__str__ = permission_label
    _group_labels()
    apps.get_app_config("axes").verbose_name = _("Login throttling")
    try:
        from django_celery_beat.models import PeriodicTask
    except ImportError:  # pragma: no cover
        return
    PeriodicTask._meta.get_field("task").verbose_name = _("task")
    from django_celery_beat.models import CrontabSchedule

    crontab_human_readable.short_description = _("schedule in words")
    CrontabSchedule.human_readable = property(crontab_human_readable)
    CrontabSchedule.__str__ = crontab_human_readable
    model_admin = admin.site._registry.get(PeriodicTask)
    if model_admin is not None:

        @admin.display(description=_("scheduler"))
        def scheduler_label(obj):
            return gettext(str(obj.scheduler)) if obj.scheduler is not None else ""

        model_admin.scheduler_label = scheduler_label
        translation = getattr(type(model_admin), "crontab_translation", None)
        if translation is not None:
            translation.short_description = _("schedule in words")
        model_admin.list_display = tuple("scheduler_label" if f == "scheduler" else f for f in model_admin.list_display)


def _group_labels() -> None:
    """The role groups ("city_admin" …) are stable identifiers; people see the role's name."""
    from django.contrib.auth.models import Group

    def label(group) -> str:
        from members.models import Role
        from members.roles import ROLE_GROUPS

        names = {name: Role(role).label for role, name in ROLE_GROUPS.items()}
        return str(names.get(group.name, group.name))

    Group.__str__ = label
