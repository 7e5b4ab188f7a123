"""What every people view shares: role gates and turning service errors into responses."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse

from ..roles import Role


class RoleRequiredMixin(AccessMixin):
    """Anonymous visitors are sent to sign in; signed-in users of other roles get 403.

    Set `allowed_roles` on the view; an empty tuple means "any signed-in user".
    """

    allowed_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if self.allowed_roles and user.role not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def validation_messages(error: ValidationError) -> list[str]:
    """A ValidationError's messages as plain strings, field errors included."""
    if hasattr(error, "error_dict"):
        return [str(m) for errors in error.message_dict.values() for m in errors]
    return [str(m) for m in error.messages]


def is_conflict(error: ValidationError) -> bool:
    """Whether a service refused because the object changed state meanwhile (HTTP 409)."""
    return getattr(error, "code", None) in {"conflict", "duplicate"}


@contextmanager
def service_call(request, form=None):
    """Run a service; put its ValidationError on `form` (or in messages) and re-raise.

    Use in views as:

        try:
            with service_call(request, form):
                thing_create(...)
        except ValidationError:
            return self.form_invalid(form)   # or a 400/409 response

    PermissionDenied passes through untouched and becomes a 403.
    """
    try:
        yield
    except ValidationError as error:
        if form is not None:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    target = field if field in form.fields else None
                    for message in errors:
                        form.add_error(target, message)
            else:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            for message in validation_messages(error):
                messages.error(request, message)
        raise


def error_response(error: ValidationError) -> HttpResponse:
    """A plain 400 (bad input) or 409 (state conflict) response carrying the message."""
    status = 409 if is_conflict(error) else 400
    return HttpResponse(
        " ".join(validation_messages(error)),
        status=status,
        content_type="text/plain; charset=utf-8",
    )


__all__ = [
    "PermissionDenied",
    "RoleRequiredMixin",
    "error_response",
    "is_conflict",
    "service_call",
    "validation_messages",
]
