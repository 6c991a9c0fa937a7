"""The router of ``/api/projects/`` (the endpoints are declared in the sibling modules)."""

from ninja import Router

router = Router(tags=["项目"])
