"""The chapters' URL tables: an action's page on one line.

An action's page (``core.views.action_page``: its form, what its check finds now, the POST
that does it) is most of a chapter's addresses; ``action_path`` says which action stands at
which address under which name, as ``path`` does for a view.
"""

from django.urls import URLPattern, path

from .views import action_page


def action_path(route: str, action: str, *, name: str) -> URLPattern:
    """The page of ``action`` (a registered action's dotted name) at ``route``."""
    return path(route, action_page(action), name=name)
