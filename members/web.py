"""The shapes every page of the portal shares: one for "POST → one service call → message →
redirect", one way to turn a service's ValidationError into messages or form errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import View


def error_texts(exc: ValidationError) -> list[str]:
    """The plain sentences of a ValidationError (field errors included), never a list literal."""
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.error_dict.values() for e in errors for m in e.messages]
    return [str(m) for m in exc.messages]


def messages_from(request, exc: ValidationError) -> None:
    """Each problem of a service's ValidationError as an error message on the next page."""
    for text in error_texts(exc):
        messages.error(request, text)


def form_errors_from(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where it names one of the form's."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceActionView(View):
    """POST → one service call → a message → redirect. A subclass says what the call is
    (``act``), what to say after it (``success_message``) and where to go (``get_success_url``).
    The service checks the actor's rights (404 outside the scope, 403 without the right); a
    ValidationError from it becomes error messages on the page the person comes back to."""

    http_method_names = ["post"]
    success_message = ""

    def act(self, request, **kwargs):
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get_error_url(self) -> str:
        return self.get_success_url()

    def post(self, request, *args, **kwargs):
        self.result = None
        try:
            self.result = self.act(request, **kwargs)
        except ValidationError as exc:
            messages_from(request, exc)
            return redirect(self.get_error_url())
        text = self.get_success_message(self.result)
        if text:
            messages.success(request, text)
        return redirect(self.get_success_url())
