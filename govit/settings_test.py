"""Settings for the test suite: development defaults (the tests set their own key store and
anchor directory per test, see tests/conftest.py)."""

import os

os.environ.setdefault("GOVIT_DEBUG", "1")
os.environ.setdefault("GOVIT_SECRET_KEY", "test-only-not-a-secret")

from .settings import *  # noqa: F403
