"""In-app notifications. Rows are written in the action's transaction, so a rolled-back action
notifies nobody; ``dedupe_key`` keeps periodic sweeps from repeating themselves.

Each notification has a category (``NotificationCategory``) and a subject to group by (issue 18
pt 5). A caller may name them; otherwise they are read from the title's kind ("待办：…",
"抄送：…", "通报批评：…") and the link, so that every chapter's existing call keeps working.
A user who muted a category is not sent notifications of it; to-do reminders cannot be muted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .enums import UNMUTABLE_CATEGORIES, NotificationCategory
from .models import Notification, NotificationSettings

C = NotificationCategory

#: a project's code in a title ("XM-2026-0003", a system's "SYS-XM-2028-0010" names it too)
PROJECT_CODE = re.compile(r"XM-\d{4}-\d{4}")
#: the kind before the first colon of a title
_KIND = re.compile(r"^([^：:]{1,20})[：:]")

_DEADLINE_KINDS = ("即将到期", "已逾期", "逾期")
_SUPERVISION_KINDS = ("限期整改", "重大事项报告", "整改", "审计发现", "通报批评", "暂停", "终止")
_SUPERVISION_PATHS = ("/supervision/",)


def kind_of(title: str) -> str:
    """The kind a title starts with ("待办", "抄送", "通报批评"), or ""."""
    match = _KIND.match(title)
    return match.group(1).strip() if match else ""


def category_for(title: str, link: str = "") -> str:
    """The category of a notification from its title and link (for callers that name none)."""
    kind = kind_of(title)
    if kind.startswith("抄送"):
        return C.COPY
    if kind.startswith(_DEADLINE_KINDS):
        return C.DEADLINE
    # something waits for the recipient: 待办, 转办, 催办, 待审批, 待答复, 请提供资料和情况, …请回应
    if (
        kind.startswith(("待办", "转办", "催办", "请"))
        or "待" in kind
        or title.rstrip("。").endswith("请回应")
    ):
        return C.TODO
    if link.startswith(_SUPERVISION_PATHS) or kind.startswith(_SUPERVISION_KINDS):
        return C.SUPERVISION
    if not link and title.startswith("您"):
        return C.ACCOUNT
    return C.PROGRESS


def subject_for(title: str, link: str = "") -> str:
    """What a notification is about, to group by: the project's code named in the title, else
    the linked object's path (without its anchor or query), else "" (general)."""
    match = PROJECT_CODE.search(title)
    if match:
        return match.group(0)
    path = link.split("#", 1)[0].split("?", 1)[0]
    return path[:200]


def muted_by(user_ids: Iterable[Any], category: str) -> set[Any]:
    """Who among ``user_ids`` muted ``category`` (one query for them all)."""
    if category in UNMUTABLE_CATEGORIES:
        return set()
    rows = NotificationSettings.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "muted"
    )
    return {user_id for user_id, muted in rows if category in (muted or ())}


def notify(
    recipients: Iterable[Any],
    *,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    category: str = "",
    subject: str | None = None,
) -> int:
    category = category or category_for(title, link)
    subject = subject_for(title, link) if subject is None else subject
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    for pk in muted_by(people, category):
        del people[pk]
    rows = [
        Notification(
            recipient=user,
            title=title[:200],
            body=body,
            link=link,
            dedupe_key=dedupe_key,
            category=category,
            subject=subject[:200],
        )
        for user in people.values()
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)
