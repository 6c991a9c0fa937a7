"""Issue 16, point 6 (MLPS level 3 identity authentication, GB/T 22239-2019 8.1.4.1): when each
password was last set and whether its owner must change it; every API token expires.

Existing people start their password age now (nobody is forced to change at the upgrade);
existing tokens without an expiry, or with a later one than the policy allows, expire at their
creation plus the policy's longest token life, so that those older than that stop at once."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

FALLBACK_TOKEN_DAYS = 90  # the starting value of ``api_token_max_days`` (policy 0008)


def _max_token_days(apps) -> int:
    """The municipal policy's longest token life (the latest version: tokens are platform-wide)."""
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    value = (
        PolicyParameter.objects.filter(key="api_token_max_days", policy__division_code="")
        .order_by("-policy__effective_from")
        .values_list("value", flat=True)
        .first()
    )
    return int(value) if value else FALLBACK_TOKEN_DAYS


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ApiToken = apps.get_model("accounts", "ApiToken")
    User.objects.filter(password_changed_at__isnull=True).update(password_changed_at=timezone.now())
    days = dt.timedelta(days=_max_token_days(apps))
    for token in ApiToken.objects.all():
        longest = token.created_at + days
        if token.expires_at is None or token.expires_at > longest:
            token.expires_at = longest
            token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sign_in_address"),
        ("policy", "0008_platform_security_parameters"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="密码修改时间"),
        ),
        migrations.AddField(
            model_name="user",
            name="password_must_change",
            field=models.BooleanField(
                default=False,
                help_text="管理员重置密码后，本人登录时须先修改密码。",
                verbose_name="须修改密码",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
