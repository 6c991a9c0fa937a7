"""The platform's URLs plus the peers the benchmarks measure it against."""

from django.urls import path

from govit.urls import urlpatterns as platform

from . import peer_views

urlpatterns = [
    path("bench/bare", peer_views.bare),
    path("bench/projects", peer_views.project_list_by_hand),
    *platform,
]
