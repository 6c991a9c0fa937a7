"""Base models: the append-only audit ledger and in-app notifications."""

from typing import Any, NoReturn, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import ActionCode, JobState, NotificationCategory, event_label
from .model_parts import (
    creation_time,
    kept_fk,
    maybe_by_user,
    optional_fk,
    optional_time,
    state_field,
)


class LedgerImmutableError(Exception):
    """Raised when code tries to change or delete a ledger event."""


class LedgerQuerySet(models.QuerySet["LedgerEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("审计日志只能追加，不能修改。")

    def delete(self) -> NoReturn:
        raise LedgerImmutableError("审计日志只能追加，不能删除。")

    def for_user(self, user: Any) -> Self:
        """Platform admins, Audit and the audit administrator see every event; others see
        events of their own organisations and their own actions."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.reads_everything() or user.reads_whole_ledger():  # core names no role
            return self
        return self.filter(
            models.Q(organisation_id__in=user.organisation_ids()) | models.Q(actor_id=user.pk)
        )

    def latest_for(self, user: Any, n: int) -> list["LedgerEvent"]:
        """The ``n`` latest events ``user`` sees. For one who does not see the whole ledger,
        the organisations' and the person's own latest are read apart, each from its index
        (organisation, -seq) / (actor, -seq), and merged: ORed, the database walked the whole
        ledger backwards for a quiet organisation (600,000 events at 1,000,000 for BDB)."""
        if not getattr(user, "is_authenticated", False):
            return []
        if user.reads_everything() or user.reads_whole_ledger():
            return list(self[:n])
        own = self.filter(organisation_id__in=user.organisation_ids()).order_by("-seq")[:n]
        acted = self.filter(actor_id=user.pk).order_by("-seq")[:n]
        merged = {event.pk: event for event in [*own, *acted]}
        return sorted(merged.values(), key=lambda event: -event.seq)[:n]


class LedgerEvent(models.Model):
    """One entry of the append-only audit ledger.

    Each event's ``hash`` is SM3 over its canonical content, which includes the previous
    event's hash, so that any change, insertion or deletion made behind the application's
    back breaks the chain and is found by ``manage.py verify_ledger``. On PostgreSQL a trigger
    also refuses UPDATE and DELETE on this table.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"))
    actor = maybe_by_user(verbose_name=_("操作人"), db_constraint=False)
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("事件"), max_length=64, choices=ActionCode.choices)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    organisation = optional_fk(
        "accounts.Organisation", verbose_name=_("所属组织"), related_name="+", db_constraint=False
    )
    from_state = models.CharField(_("原状态"), max_length=64, blank=True)
    to_state = models.CharField(_("新状态"), max_length=64, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    policy_version = models.CharField(_("政策版本"), max_length=64, blank=True)
    decision_id = models.UUIDField(_("决定编号"), null=True, blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64)
    hash = models.CharField(_("SM3 哈希"), max_length=64, unique=True)
    # HMAC-SM3 of the same bytes with a key kept outside the database: whoever can write the
    # table but not read the key cannot recompute the chain after changing an event.
    mac = models.CharField(_("HMAC-SM3"), max_length=64, blank=True)
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计日志")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation", "-seq"]),
            models.Index(fields=["actor", "-seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutableError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("审计日志只能追加，不能删除。")

    def get_action_display(self) -> str:  # type: ignore[no-redef]
        """The event's Chinese name, chapters' own codes included (``register_event_words``)."""
        return event_label(self.action)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user. ``dedupe_key`` makes periodic sweeps idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = creation_time(_("时间"))
    read_at = optional_time(_("已读时间"))
    dedupe_key = models.CharField(max_length=200, blank=True)
    category = models.CharField(
        _("类别"),
        max_length=20,
        choices=NotificationCategory.choices,
        default=NotificationCategory.PROGRESS,
    )
    #: what it is about, to group by: a project code ("XM-2026-0003"), else the linked
    #: object's path ("/supervision/orders/4/"), else empty (general)
    subject = models.CharField(_("事项"), max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # one person's notifications, newest first (the page's and the bell's order)
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_newest_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """A user's choice of what to be told about (issue 18 pt 5), and when the account first
    signed in: what was addressed to it before is a backlog, not news."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    #: categories the user does not want (never ``todo``)
    muted = models.JSONField(_("不接收的类别"), default=list, blank=True)
    first_sign_in_at = optional_time(_("首次登录时间"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)


class BackgroundJob(models.Model):
    """Long work a person started (an import, an O&M run, a large export, documents): a task
    worker does it while its page shows the progress, and the person is notified when it is
    done. The work itself goes through the actions, with their ledger events; this row only
    says where it stands, what came of it and where the result is (issue 18 pt 7)."""

    kind = models.CharField(_("类别"), max_length=64)
    title = models.CharField(_("任务"), max_length=200)
    owner = kept_fk(settings.AUTH_USER_MODEL, related_name="background_jobs")
    state = state_field(JobState, 8, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    input_file = models.FileField(_("上传的文件"), upload_to="jobs/in/%Y/%m/", blank=True)
    summary = models.TextField(_("结果"), blank=True)
    #: details to show with the result, e.g. an import's refused rows
    report = models.JSONField(_("明细"), default=dict, blank=True)
    result_url = models.CharField(_("结果页面"), max_length=300, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/out/%Y/%m/", blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    created_at = creation_time(_("提交时间"))
    started_at = optional_time(_("开始时间"))
    finished_at = optional_time(_("结束时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
