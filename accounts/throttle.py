"""Failed sign-ins counted per source address, besides the per-account lock (MLPS level 3:
GB/T 22239-2019 8.1.4.1).

After ``GOVIT_LOGIN_IP_MAX_FAILURES`` failures from one address within
``GOVIT_LOGIN_IP_WINDOW_MINUTES`` the address is refused for ``GOVIT_LOGIN_IP_BLOCK_MINUTES``
whatever name it types; a refused attempt is not checked against any account, so an address
guessing names cannot lock other people's accounts either. The counts live in the database
(``SignInAddress``), shared by every application server. A failure naming nobody is counted
here only; the ledger gets one event when an address is blocked, not a row per guess.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import SignInAddress


def client_ip(request: Any) -> str:
    """The address a request came from: ``REMOTE_ADDR``, or behind the reverse proxy the last
    address of the header it sets (``GOVIT_CLIENT_IP_HEADER``, e.g. ``HTTP_X_FORWARDED_FOR``),
    which the client cannot forge."""
    if request is None:
        return ""
    meta = request.META
    header = settings.GOVIT_CLIENT_IP_HEADER
    if header and meta.get(header):
        return str(meta[header]).split(",")[-1].strip()[:45]
    return str(meta.get("REMOTE_ADDR", ""))[:45]


def blocked(ip: str) -> SignInAddress | None:
    """The address's row while it is refused, else None."""
    if not ip:
        return None
    row = SignInAddress.objects.filter(ip=ip).first()
    return row if row is not None and row.is_blocked() else None


def count_failure(ip: str, *, known: bool) -> tuple[SignInAddress | None, bool]:
    """Count one failed sign-in from ``ip`` (``known``: the name was somebody's). Returns the
    row and whether this failure blocked the address. Called inside the failure's action."""
    if not ip:
        return None, False
    now = timezone.now()
    window = timedelta(minutes=settings.GOVIT_LOGIN_IP_WINDOW_MINUTES)
    row, _created = SignInAddress.objects.select_for_update().get_or_create(
        ip=ip, defaults={"window_start": now}
    )
    if row.is_blocked(now):
        return row, False  # refused before any account was asked (``LoginForm``)
    block_over = row.blocked_until is not None and row.blocked_until <= now
    if block_over or now - row.window_start > window:
        # a new window: after the old one, or after a block has run out
        row.window_start, row.failures, row.unknown_names = now, 0, 0
        row.blocked_until = None
    row.failures += 1
    row.unknown_names += 0 if known else 1
    row.last_failure_at = now
    blocked_now = row.failures >= settings.GOVIT_LOGIN_IP_MAX_FAILURES and not row.is_blocked(now)
    if blocked_now:
        row.blocked_until = now + timedelta(minutes=settings.GOVIT_LOGIN_IP_BLOCK_MINUTES)
    row.save()
    return row, blocked_now


def minutes_left(row: SignInAddress) -> int:
    """Whole minutes until the address may try again (at least 1)."""
    if row.blocked_until is None:
        return 0
    seconds = (row.blocked_until - timezone.now()).total_seconds()
    return max(1, int(-(-seconds // 60)))
