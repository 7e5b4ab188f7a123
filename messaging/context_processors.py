"""The unread-notification badge in the header."""

_CACHE_ATTRIBUTE = "_unread_notifications_count"


def notifications(request):
    """Expose `unread_notifications`, the signed-in user's unread count, to every template.

    The value must be a real int: base.html pluralises it with `{% blocktranslate count %}`,
    and the Ukrainian and Russian plural formulas compute `n % 10`, which a lazy proxy
    (SimpleLazyObject) does not support, so a lazy value broke every page for those
    languages. The count is one indexed query, made at most once per request (several
    templates rendered in one request share it), and never for anonymous visitors.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    count = getattr(request, _CACHE_ATTRIBUTE, None)
    if count is None:
        from .selectors import unread_count

        count = unread_count(user)
        setattr(request, _CACHE_ATTRIBUTE, count)
    return {"unread_notifications": count}
