"""Template helpers: 万元 display, severity badges, sortable headers."""

from django import template
from django.utils.html import format_html

from core.money import format_wan

register = template.Library()

SEVERITY_CLASS = {"block": "danger", "warn": "warning", "info": "info"}
SEVERITY_LABEL = {"block": "阻断", "warn": "提醒", "info": "提示"}


@register.filter
def wan(value):
    """Yuan -> '3,500.00' 万元 (without the unit)."""
    return format_wan(value)


@register.filter
def severity_class(value):
    return SEVERITY_CLASS.get(str(value), "secondary")


@register.filter
def severity_label(value):
    return SEVERITY_LABEL.get(str(value), str(value))


@register.simple_tag(takes_context=True)
def sort_link(context, field, label):
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
def page_url(context, number):
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()
