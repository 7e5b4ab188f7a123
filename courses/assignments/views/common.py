"""What the assignment views share: answering a form post or a script's request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect

from people.views.mixins import is_conflict, validation_messages

PER_PAGE = 20


def wants_json(request) -> bool:
    """Whether the upload script posted (it asks for JSON to show errors in place)."""
    return "application/json" in request.headers.get("Accept", "")


def error_answer(request, error: ValidationError, *, back: str):
    """A refused write: JSON 400/409 {"detail", "errors"} for the script, else a message
    and a redirect back to the page."""
    texts = validation_messages(error)
    if wants_json(request):
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": texts}
        return JsonResponse(
            {"detail": " ".join(texts), "errors": errors}, status=409 if is_conflict(error) else 400
        )
    for text in texts:
        messages.error(request, text)
    return redirect(back)


def success_answer(request, text: str, *, to: str):
    """A done write: JSON {"detail", "redirect"} for the script, else a message and a
    redirect."""
    messages.success(request, text)  # shown on the next page, also after the script's post
    if wants_json(request):
        return JsonResponse({"detail": text, "redirect": to})
    return redirect(to)


def query_string_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
