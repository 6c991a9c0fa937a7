"""Template helpers: 万元 display, severity badges, sortable headers."""

from decimal import Decimal
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.enums import Severity
from core.money import format_wan

register = template.Library()


@register.filter
def state_label(value: str, object_type: str = "") -> str:
    """A state recorded in the ledger, in words (``core.machines.state_label_of``)."""
    from core.machines import state_label_of

    return state_label_of(object_type, value)


SEVERITY_CLASS = {"block": "danger", "warn": "warning", "info": "info"}


@register.filter
def wan(value: Decimal | None) -> str:
    """Yuan -> '3,500.00' 万元 (without the unit)."""
    return format_wan(value)


@register.filter
def severity_class(value: object) -> str:
    return SEVERITY_CLASS.get(str(value), "secondary")


@register.filter
def severity_label(value: object) -> str:
    try:
        return str(Severity(str(value)).label)
    except ValueError:
        return str(value)


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], field: str, label: str) -> SafeString:
    """A table header that toggles ?sort=field / ?sort=-field, keeping other query params."""
    request = context["request"]
    params = request.GET.copy()
    current = params.get("sort", "")
    new = f"-{field}" if current == field else field
    params["sort"] = new
    params.pop("page", None)
    arrow = " ▲" if current == field else (" ▼" if current == f"-{field}" else "")
    return format_html('<a class="sort-link" href="?{}">{}{}</a>', params.urlencode(), label, arrow)


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    params: QueryDict = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()
