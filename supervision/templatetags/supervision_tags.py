"""``{% load supervision_tags %}{% supervision_panel project %}``: the supervision panel on a
page that does not render the registered panels (``core.offers.panels_for``)."""

from typing import Any

from django import template

from ..panels import supervision_panel as panel_of

register = template.Library()


@register.inclusion_tag("supervision/_panel.html", takes_context=True)
def supervision_panel(context: dict[str, Any], subject: Any) -> dict[str, Any]:
    request = context["request"]
    return {"panel": panel_of(subject, request.user, ""), "request": request}
