from typing import Any

from django.http import HttpRequest

from .navigation import items_for
from .notifications import unread


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": items_for(user),
        "unread_notifications": unread(user).count(),
        "current_url_name": getattr(getattr(request, "resolver_match", None), "url_name", ""),
    }
