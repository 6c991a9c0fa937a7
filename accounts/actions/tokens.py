"""Bearer tokens for machine clients acting as a person (e.g. the 渝快办 channel), each made
by that person. Only the token's digest is stored: the raw key is handed back once. Every
token expires, within the policy's ``api_token_max_days`` (a platform security requirement:
MLPS level 3 identity authentication, GB/T 22239-2019 8.1.4.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.enums import ActionCode
from core.ledger import record_event

from ..contracts import ApiTokenIn
from ..models import ApiToken, User, hash_token
from ..password_policy import api_token_max_days
from .base import AccountAction, OnUser, invalid, user_url


class CreateApiToken(OnUser):
    """A person creates a token for themselves (nobody mints one for someone else: 三权分立,
    ``accounts.duties``); returns the token and its raw key, which is never stored. Its life
    is given in days, the policy's longest when left out, and never longer: no token lives for
    ever. Its page shows the key once (``accounts:my_tokens``), so it is not offered on the
    card, whose answer is a redirect."""

    label = L("创建接口令牌")
    Input = ApiTokenIn
    offered_on = ""
    roles = ()  # anyone, for their own account

    def permitted(self, obj: Any, user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False) and getattr(obj, "pk", None) == user.pk
        )

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {"validity": api_token_max_days()}

    def parse_for(self, obj: Any, user: Any, data: Any) -> ApiTokenIn:
        clean: ApiTokenIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        longest = api_token_max_days()
        if clean.validity is None:
            return clean.model_copy(update={"validity": longest})
        if not 1 <= clean.validity <= longest:
            message = _(
                "接口令牌的有效期须为 1 至 %(max)s 天（平台安全要求：接口令牌最长有效期 "
                "%(max)s 天，GB/T 22239-2019 8.1.4.1）。"
            ) % {"max": longest}
            raise invalid(message, {"validity": message})
        return clean

    def perform(
        self, obj: User, data: ApiTokenIn, user: Any, decision: Any
    ) -> tuple[ApiToken, str]:
        assert data.validity  # parse_for gives every token a life
        raw = ApiToken.generate_raw()
        token = ApiToken.objects.create(
            user=obj,
            name=data.name,
            key_prefix=raw[:10],
            key_hash=hash_token(raw),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=data.validity),
        )
        record_event(
            ActionCode.TOKEN_CREATED,
            actor=user,
            obj=obj,
            data={"token": token.pk, "name": token.name, "days": data.validity},
        )
        return token, raw


class RevokeApiToken(AccountAction):
    """Revoke a token: clients using it are refused at once. Revoking twice changes nothing.
    The security administrator revokes anyone's; a person revokes their own."""

    def permitted(self, obj: Any, user: Any) -> bool:
        own = obj is not None and getattr(obj, "user_id", None) == getattr(user, "pk", None)
        return bool(getattr(user, "is_authenticated", False) and own) or super().permitted(
            obj, user
        )

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
