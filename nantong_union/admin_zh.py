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
        name = str(_ACTIONS[action]) % {"model": opts.verbose_name}
    else:
        name = permission.name
    app = opts.app_config.verbose_name
    return f"{app} | {opts.verbose_name} | {name}"


def install() -> None:
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    Permission.__str__ = permission_label
    apps.get_app_config("axes").verbose_name = _("Login throttling")
    try:
        from django_celery_beat.models import PeriodicTask
    except ImportError:  # pragma: no cover
        return
    PeriodicTask._meta.get_field("task").verbose_name = _("task")
    model_admin = admin.site._registry.get(PeriodicTask)
    if model_admin is not None:

        @admin.display(description=_("scheduler"))
        def scheduler_label(obj):
            return gettext(str(obj.scheduler)) if obj.scheduler is not None else ""

        model_admin.scheduler_label = scheduler_label
        model_admin.list_display = tuple(
            "scheduler_label" if f == "scheduler" else f for f in model_admin.list_display
        )
