"""``{% load evidence_tags %}{% evidence_panel project %}``: the evidence beside a project's
list review on a page that does not render the registered panels
(``core.offers.panels_for``), as the project page."""

from typing import Any

from django import template

from ..panels import project_panel

register = template.Library()


@register.inclusion_tag("evidence/panel_project.html", takes_context=True)
def evidence_panel(context: dict[str, Any], project: Any) -> dict[str, Any]:
    request = context["request"]
    [panel] = project_panel(project, request.user)
    return {"panel": panel, "request": request}
