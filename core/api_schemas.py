"""Resolvers the output schemas share. A schema's ``resolve_<field>`` says how to read a field
that is not an attribute of the object; most of them read a choice's label or an attribute of
a related object, and those are written once here:

    class IncidentOut(Schema):
        state: str
        state_label: str
        project_code: str

        resolve_state_label = choice_label("state")
        resolve_project_code = related("project.code")
"""

from collections.abc import Callable
from operator import attrgetter
from typing import Any


def choice_label(field: str) -> "staticmethod[[Any], str]":
    """The label of the object's choice ``field`` (``get_<field>_display()``), or "" when the
    field is empty."""

    def resolve(obj: Any) -> str:
        return str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field) else ""

    return staticmethod(resolve)


def related(path: str) -> "staticmethod[[Any], str]":
    """A related object's attribute as text: ``related("project.code")`` is
    ``str(obj.project.code)``."""
    read: Callable[[Any], Any] = attrgetter(path)

    def resolve(obj: Any) -> str:
        return str(read(obj))

    return staticmethod(resolve)


def name_of(user: Any) -> str:
    """A user as people read them: the full name, else the login name ("" for nobody)."""
    return (user.get_full_name() or user.username) if user is not None else ""


def person(field: str) -> "staticmethod[[Any], str]":
    """The name of the user in the object's ``field`` ("" when there is none)."""

    def resolve(obj: Any) -> str:
        return name_of(getattr(obj, field))

    return staticmethod(resolve)
