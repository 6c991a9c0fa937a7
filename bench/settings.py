"""The platform's settings, serving the benchmark peers too (``bench.urls``)."""

from govit.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
