"""Password authentication that refuses locked accounts (MLPS level 3 failed-login handling)."""

from django.contrib.auth.backends import ModelBackend


class LockoutModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_locked()
