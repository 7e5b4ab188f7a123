"""Template context for the role-aware navigation in base.html."""

from .roles import Role


def navigation(request):
    """Expose the viewer's role to templates without a query (the user is already loaded)."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {"viewer_role": role, "Role": Role}
