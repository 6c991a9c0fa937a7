from django import template

from ..panel import documents_panel_context
from ..validation import format_size

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context, subject, doc_types=None, title=""):
    """``{% documents_panel subject %}`` or ``{% documents_panel subject "fsr,design" %}``."""
    request = context.get("request")
    if isinstance(doc_types, str):
        doc_types = [t.strip() for t in doc_types.split(",") if t.strip()]
    panel = documents_panel_context(
        subject,
        request.user,
        doc_types,
        next_url=request.get_full_path() if request else "",
        title=title,
    )
    return {"panel": panel, "csrf_token": context.get("csrf_token"), "request": request}


@register.filter
def filesize(value):
    """Bytes as ``12.3 KB`` / ``1.5 MB``."""
    try:
        return format_size(int(value))
    except (TypeError, ValueError):
        return ""
