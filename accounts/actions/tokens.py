"""Bearer tokens for machine clients acting as a person (e.g. the 渝快办 channel). Only the
token's SHA-256 is stored: the raw key is handed back once, to the admin who created it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.enums import ActionCode
from core.ledger import record_event

from ..contracts import DEFAULT_TOKEN_DAYS, ApiTokenIn
from ..models import ApiToken, User, hash_token
from .base import AccountAction, OnUser, user_url


class CreateApiToken(OnUser):
    """Create a token for the person; returns the token and its raw key, which is never
    stored. Its page shows the key once (``accounts:token_create``), so it is not offered on
    the card, whose answer is a redirect."""

    label = L("创建接口令牌")
    Input = ApiTokenIn
    offered_on = ""

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {"validity": DEFAULT_TOKEN_DAYS}

    def perform(
        self, obj: User, data: ApiTokenIn, user: Any, decision: Any
    ) -> tuple[ApiToken, str]:
        days = int(data.validity or DEFAULT_TOKEN_DAYS)
        raw = ApiToken.generate_raw()
        token = ApiToken.objects.create(
            user=obj,
            name=data.name,
            key_prefix=raw[:10],
            key_hash=hash_token(raw),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        record_event(
            ActionCode.TOKEN_CREATED,
            actor=user,
            obj=obj,
            data={"token": token.pk, "name": token.name},
        )
        return token, raw


class RevokeApiToken(AccountAction):
    """Revoke a token: clients using it are refused at once. Revoking twice changes nothing."""

    label = L("吊销令牌")
    model = ApiToken
    offered_on = "accounts.user"
    confirm = L("吊销后使用该令牌的客户端将立即无法调用接口。")
    style = "outline-danger"

    def targets(self, page_obj: Any, user: Any) -> Iterator[ApiToken]:
        if isinstance(page_obj, User):
            yield from page_obj.api_tokens.filter(revoked_at__isnull=True)

    def target_label(self, obj: Any) -> str:
        return _("令牌“%(name)s”（%(prefix)s…）") % {"name": obj.name, "prefix": obj.key_prefix}

    def perform(self, obj: ApiToken, data: Any, user: Any, decision: Any) -> ApiToken:
        if obj.revoked_at is None:
            obj.revoked_at = timezone.now()
            obj.save(update_fields=["revoked_at"])
            record_event(ActionCode.TOKEN_REVOKED, actor=user, obj=obj.user, data={"token": obj.pk})
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        return _("令牌“%(name)s”已吊销。") % {"name": result.name}

    def next_url(self, obj: Any, result: Any) -> str:
        return user_url(obj.user)


create_api_token = CreateApiToken()
revoke_api_token = RevokeApiToken()
