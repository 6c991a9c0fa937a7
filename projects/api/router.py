"""The router of ``/api/projects/`` (the endpoints are declared in the sibling modules)."""

from core.api_routes import Routes

router = Routes(tags=["项目"])
