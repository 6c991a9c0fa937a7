"""The lists of the directory, one filter set each (the admin's pages and the API)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import ChoiceFilter, ListFilter

from .models import Membership, Organisation, User
from .roles import OrgKind, Role

NO_ROLE = "_none"


def _active_memberships(**extra: Any) -> Any:
    return Membership.objects.filter(user=OuterRef("pk"), is_active=True, **extra)


class OrganisationFilter(ListFilter):
    search_fields = ("name", "short_name", "credit_code", "division_code")
    kind = ChoiceFilter(choices=OrgKind.choices, label=_("类型"), empty_label=_("全部类型"))
    members = ChoiceFilter(
        choices=[("none", _("尚无人员"))],
        method="without_members",
        label=_("人员"),
        empty_label=_("全部"),
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def without_members(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Organisations nobody can sign in for: no active role held by an active account."""
        has_member = Membership.objects.filter(
            organisation=OuterRef("pk"), is_active=True, user__is_active=True
        )
        return queryset.filter(~Exists(has_member)) if value == "none" else queryset


class UserFilter(ListFilter):
    # the telephone number is encrypted at rest (core/encrypted.py): the database cannot
    # match it, so ``search`` decrypts the numbers in Python when the query has digits
    search_fields = ("username", "full_name", "email")
    active = ChoiceFilter(
        choices=[("1", _("启用")), ("0", _("已停用"))],
        method="by_active",
        label=_("账号状态"),
        empty_label=_("全部状态"),
    )
    locked = ChoiceFilter(
        choices=[("1", _("已锁定"))], method="by_locked", label=_("锁定"), empty_label=_("锁定与否")
    )
    role = ChoiceFilter(
        choices=[(NO_ROLE, _("（无角色）")), *Role.choices],
        method="by_role",
        label=_("角色"),
        empty_label=_("全部角色"),
    )

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        found = super().search(queryset, name, value)
        digits = "".join(c for c in (value or "") if c.isdigit() or c == "-")
        if len(digits.replace("-", "")) < 3:
            return found
        by_phone = [
            pk
            for pk, phone in User.objects.exclude(phone="").values_list("pk", "phone")
            if digits in phone
        ]
        return found | queryset.filter(pk__in=by_phone) if by_phone else found

    def by_active(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(is_active=value == "1") if value else queryset

    def by_locked(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(locked_until__gt=timezone.now()) if value == "1" else queryset

    def by_role(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Holders of an active role in an active organisation (or of none)."""
        if value == NO_ROLE:
            return queryset.filter(~Exists(_active_memberships(organisation__is_active=True)))
        if value:
            return queryset.filter(
                Exists(_active_memberships(organisation__is_active=True, role=value))
            )
        return queryset
