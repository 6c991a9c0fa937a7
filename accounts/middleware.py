"""End sessions idle for longer than GOVIT_IDLE_TIMEOUT_SECONDS (MLPS level 3)."""

import time

from django.conf import settings
from django.contrib.auth import logout


class IdleTimeoutMiddleware:
    KEY = "govit_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.GOVIT_IDLE_TIMEOUT_SECONDS:
                logout(request)
            else:
                request.session[self.KEY] = now
        return self.get_response(request)
