"""End sessions idle for longer than GOVIT_IDLE_TIMEOUT_SECONDS (MLPS level 3)."""

import time

from django.conf import settings
from django.contrib.auth import logout

#: how stale the recorded last activity may be: recording it on every request wrote the
#: session (an UPDATE, on SQLite a write transaction) on every page; recorded at most once a
#: minute, a session ends at most this much sooner than the timeout, never later
TOUCH_SECONDS = 60


class IdleTimeoutMiddleware:
    KEY = "govit_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.GOVIT_IDLE_TIMEOUT_SECONDS:
                logout(request)
            elif last is None or now - last >= TOUCH_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)
