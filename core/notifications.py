"""What a person is told, and how (issue 18 pt 5): notifications grouped by day and by project
(or the object they are about), the choice of categories to be told about (an action, with its
ledger event), and the backlog met at the first sign-in.

The to-do list (``core.todos``) stays the place for what needs action: to-do reminders cannot be
muted, and those addressed to a person before the first sign-in are read at that sign-in, since
the to-do list already holds them.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from .actions import Action
from .contracts import Contract, Flag
from .enums import UNMUTABLE_CATEGORIES, ActionCode, NotificationCategory
from .ledger import record_event
from .models import Notification, NotificationSettings
from .notify import PROJECT_CODE, kind_of

C = NotificationCategory

#: the categories a person may choose, in the order the settings page shows them
MUTABLE = [c for c in C if c not in UNMUTABLE_CATEGORIES]


def unread(user: Any) -> Any:
    """The user's unread notifications: the navbar, the workbench and the page count these."""
    return Notification.objects.filter(recipient=user.pk, read_at__isnull=True)


# -- grouping -----------------------------------------------------------------------------------


@dataclass
class Group:
    """The notifications of one day about one project (or object): "XM-2026-0003《…》 · 3 条"."""

    day: dt.date
    subject: str
    notes: list[Notification] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.notes)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notes if n.read_at is None)

    @property
    def key(self) -> str:
        return f"{self.day:%Y%m%d}-{zlib.crc32(self.subject.encode()):08x}"

    @property
    def label(self) -> str:
        return group_label(self.subject, [n.title for n in self.notes])

    @property
    def latest(self) -> Notification:
        return self.notes[0]


@dataclass
class Day:
    day: dt.date
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)


def group_label(subject: str, titles: list[str]) -> str:
    """A project's code with its name as a title gives it ("XM-2026-0003《…》"); another
    object by what the latest title says of it; "其他通知" for notifications about nothing."""
    if not subject:
        return _("其他通知")
    if PROJECT_CODE.fullmatch(subject):
        for title in titles:
            at = title.find(subject + "《")
            end = title.find("》", at)
            if at >= 0 and end > at:
                return title[at : end + 1]
        return subject
    title = titles[0]
    kind = kind_of(title)
    return title[len(kind) + 1 :].strip() if kind else title


def grouped(notes: list[Notification]) -> list[Day]:
    """Notifications (newest first) by local day, and within a day by subject, in the order of
    each group's newest notification."""
    days: dict[dt.date, dict[str, Group]] = {}
    for note in notes:
        day = timezone.localdate(note.created_at)
        groups = days.setdefault(day, {})
        groups.setdefault(note.subject, Group(day, note.subject)).notes.append(note)
    return [Day(day, list(groups.values())) for day, groups in days.items()]


def read_group(user: Any, subject: str, day: dt.date) -> int:
    """Mark the user's unread notifications of one group read; returns how many."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return int(
        unread(user)
        .filter(subject=subject, created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
        .update(read_at=timezone.now())
    )


# -- settings -----------------------------------------------------------------------------------


def settings_of(user: Any) -> NotificationSettings:
    """The user's settings (not stored until there is something to store)."""
    found = NotificationSettings.objects.filter(user=user.pk).first()
    return found or NotificationSettings(user_id=user.pk)


class NotificationSettingsIn(Contract):
    """Which categories to be told about: a ticked box is a category received."""

    progress: bool = Flag(C.PROGRESS.label, help=L("项目申报、审核、批复、清单和计划发布等进展。"))
    supervision: bool = Flag(C.SUPERVISION.label, help=L("检查、整改、处理决定和审计发现。"))
    deadline: bool = Flag(C.DEADLINE.label, help=L("即将到期和已逾期的事项。"))
    cc: bool = Flag(C.COPY.label, help=L("他人办理时抄送给您的事项。"))
    account: bool = Flag(C.ACCOUNT.label, help=L("角色授予、密码重置等账号变动。"))


class SaveNotificationSettings(Action):
    """A person chooses what to be told about (for themselves only). To-do reminders are not a
    choice: what needs action stays in the to-do list and its reminders."""

    name = "core.save_notification_settings"
    label = L("保存通知设置")
    Input = NotificationSettingsIn
    lock = False
    success = L("通知设置已保存。")

    roles: ClassVar[tuple[str, ...]] = ()

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        muted = set(settings_of(user).muted)
        return {c.value: c.value not in muted for c in MUTABLE}

    def perform(
        self, obj: Any, data: NotificationSettingsIn, user: Any, decision: Any
    ) -> NotificationSettings:
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(
            user_id=user.pk, defaults={"first_sign_in_at": timezone.now()}
        )
        before = sorted(row.muted or [])
        row.muted = sorted(c.value for c in MUTABLE if not getattr(data, c.value))
        row.save(update_fields=["muted", "updated_at"])
        record_event(
            ActionCode.NOTIFICATION_SETTINGS_SAVED,
            actor=user,
            obj=user,
            reason=_("不接收：%(names)s")
            % {"names": "、".join(str(C(c).label) for c in row.muted) or _("无")},
            data={"muted": row.muted, "before": before},
        )
        return row

    def next_url(self, obj: Any, result: Any) -> str:
        return reverse("core:notification_settings")


save_notification_settings = SaveNotificationSettings()


# -- the first sign-in --------------------------------------------------------------------------


def settle_first_sign_in(user: Any, when: dt.datetime | None = None) -> int:
    """At an account's first sign-in, the to-do reminders addressed to it before are read: the
    to-do list holds what they announced. The rest stay unread, and the page shows them one
    line per project. Returns how many were read; nothing on a later sign-in."""
    when = when or timezone.now()
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(
            user_id=user.pk
        )
        if row.first_sign_in_at is not None:
            return 0
        row.first_sign_in_at = when
        row.save(update_fields=["first_sign_in_at", "updated_at"])
        return int(unread(user).filter(category=C.TODO, created_at__lt=when).update(read_at=when))


@receiver(user_logged_in, dispatch_uid="core.notifications.first_sign_in")
def _on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    settle_first_sign_in(user)


def backlog(user: Any) -> int:
    """How many unread notifications were addressed to the user before the first sign-in."""
    first = NotificationSettings.objects.filter(user=user.pk).values_list(
        "first_sign_in_at", flat=True
    )
    when = first.first()
    if when is None:
        return 0
    return int(unread(user).filter(created_at__lt=when).count())
