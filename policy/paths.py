"""The approval path of Art. 9, decided in one place for every chapter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalPath(models.TextChoices):
    """Art. 9: below the threshold one stage (FSR + budget in lieu of preliminary design); at
    or above it (含) the FSR first, then the preliminary design and budget."""

    SINGLE = "single", _("一次审批（可研及概算代初步设计）")
    TWO = "two", _("两阶段审批（可研、初步设计及概算）")


def approval_path_for(total_investment: Decimal, policy: Any) -> ApprovalPath:
    """The path for ``total_investment`` (yuan) under ``policy``'s threshold (含本数)."""
    if total_investment >= policy.p.approval_threshold:
        return ApprovalPath.TWO
    return ApprovalPath.SINGLE
