"""The three look-ups every logged-in page makes before its view — the session, the login and the second factor's
device — without compiling an ORM query each time (issue #23).

Each is a look-up by primary key. Django builds and compiles a query for each on every request, which on the member
list was about a fifth of the page's CPU time (three of its four queries). Here the SQL of each look-up is
compiled once per process by the ORM itself (``Model.objects.filter(pk=…)``) and then executed with the new key;
the row becomes a model instance through ``Model.from_db``, as the ORM's own iterator does. A model whose columns
need a converter when read (a JSON or an encrypted field, or any column on a backend that converts dates) is
looked up through the ORM as before.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections
from django_otp.middleware import OTPMiddleware

_PREPARED: dict[tuple, tuple[str, list[str]] | None] = {}


def _prepared(model, using: str):
    """(the SQL of ``model.objects.filter(pk=%s)``, its columns' attribute names), or None when a column needs a
    converter on this database (then the ORM reads it)."""
    key = (model, using)
    if key not in _PREPARED:
        compiler = model._default_manager.filter(pk=0).query.get_compiler(using)
        sql, params = compiler.as_sql()
        columns = [col for col, _sql, _alias in compiler.select]
        fields = [getattr(col, "target", None) for col in columns]
        if compiler.get_converters(columns) or None in fields or len(params) != 1:
            _PREPARED[key] = None
        else:
            _PREPARED[key] = (sql, [f.attname for f in fields])
    return _PREPARED[key]


def get_by_pk(model, pk, using: str = "default"):
    """``model.objects.filter(pk=pk).first()`` (without its ordering), from SQL compiled once per process."""
    prepared = _prepared(model, using)
    if prepared is None:
        return model._default_manager.using(using).filter(pk=pk).order_by().first()
    sql, attnames = prepared
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(model._meta.pk.to_python(pk), connection)])
        row = cursor.fetchone()
    return None if row is None else model.from_db(using, attnames, row)


class PortalModelBackend(ModelBackend):
    """Django's ModelBackend; the login of a request is read by :func:`get_by_pk`."""

    def get_user(self, user_id):
        try:
            user = get_by_pk(get_user_model(), user_id)
        except (ValueError, TypeError, ValidationError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None


class PortalOTPMiddleware(OTPMiddleware):
    """django-otp's middleware; the device that verified the session is read by :func:`get_by_pk`."""

    @staticmethod
    def _device_from_persistent_id(persistent_id: str):
        from django.apps import apps
        from django_otp.models import Device

        persistent_id = OTPMiddleware._normalize_persistent_id(persistent_id)
        try:
            model_label, device_id = persistent_id.rsplit("/", 1)
            device_cls = apps.get_model(*model_label.split("."))
            if not issubclass(device_cls, Device):
                return None
            return get_by_pk(device_cls, int(device_id))
        except (ValueError, LookupError):
            return None
