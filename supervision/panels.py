"""The supervision panel of the project and system pages (``core.offers.panel``): what is open
against the project or system — requests, orders, sanctions in force, audit findings, entries
of the register — and the findings against it (R34.1, R37.2), with links to each record."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.offers import Panel, panel

from .compliance import open_records


@panel("projects.project")
def project_panel(project: Any, user: Any) -> list[Panel]:
    return [supervision_panel(project, user, reverse("supervision:project", args=[project.pk]))]


@panel("catalog.informationsystem")
def system_panel(system: Any, user: Any) -> list[Panel]:
    return [supervision_panel(system, user, "")]


def supervision_panel(subject: Any, user: Any, link: str) -> Panel:
    return Panel(
        title=_("监督管理"),
        template="supervision/_panel.html",
        context={"records": open_records(subject, user), "subject": subject, "link": link},
        order=60,
    )
