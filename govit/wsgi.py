"""WSGI entry point (gunicorn govit.wsgi in production). It refuses to start without a secret
key when debug mode is off."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")
application = get_wsgi_application()
if not settings.DEBUG and not os.environ.get("GOVIT_SECRET_KEY"):
    raise ImproperlyConfigured("GOVIT_SECRET_KEY 未设置：生产环境必须提供密钥，平台拒绝启动。")
