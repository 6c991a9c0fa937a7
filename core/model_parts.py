"""What the chapters' models repeat, written once.

- field helpers: who did something (a user kept as long as the record), when (set on
  creation, on each save, or once it has happened), references that refuse the deletion of
  their target, a machine's state. Each returns exactly the field that was written out before,
  with the same options, so that the migrations see no change;
- constraint helpers: a positive amount, a period of years in order, numbered versions with
  one draft;
- ``Recorded`` and ``Created``: the abstract who-and-when of a record entered or a document
  started; ``PublicToSignedIn`` (querysets of official documents) and ``DetailPage`` (a record
  with a page of its own) are plain mixins.

Chapter-free, like the rest of ``core``: a chapter names its own models in the arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # the django-stubs plugin types each field itself; at run time the classes are not
    # subscriptable, so the helpers are annotated with these aliases only for the checker
    _ForeignKey = models.ForeignKey[Any, Any]
    _DateTimeField = models.DateTimeField[Any, Any]
    _DateField = models.DateField[Any, Any]
    _CharField = models.CharField[Any, Any]


def kept_fk(to: Any, **options: Any) -> _ForeignKey:
    """A reference whose target may not be deleted while it points to it (PROTECT): records
    of the measures are kept, never cascaded away."""
    return models.ForeignKey(to, on_delete=models.PROTECT, **options)


def optional_fk(to: Any, **options: Any) -> _ForeignKey:
    """A kept reference that may be empty (in storage and in forms)."""
    return kept_fk(to, null=True, blank=True, **options)


def by_user(**options: Any) -> _ForeignKey:
    """Who did it: a user, kept as long as the record, with no reverse accessor on the user."""
    return kept_fk(settings.AUTH_USER_MODEL, related_name="+", **options)


def maybe_by_user(**options: Any) -> _ForeignKey:
    """Who did it, empty until it is done (who decided, reviewed, received …)."""
    return by_user(null=True, blank=True, **options)


def creation_time(verbose_name: Any) -> _DateTimeField:
    """When the row was made (created, recorded, submitted …): set once, on insertion."""
    return models.DateTimeField(verbose_name, auto_now_add=True)


def update_time(verbose_name: Any) -> _DateTimeField:
    """When the row was last saved."""
    return models.DateTimeField(verbose_name, auto_now=True)


def optional_time(verbose_name: Any) -> _DateTimeField:
    """When something happened, empty until it has."""
    return models.DateTimeField(verbose_name, null=True, blank=True)


def optional_date(verbose_name: Any) -> _DateField:
    """The day something happened, empty until it has."""
    return models.DateField(verbose_name, null=True, blank=True)


def state_field(choices: type[models.TextChoices], max_length: int, **options: Any) -> _CharField:
    """The state of a model moved by its machine (``core.machines``), labelled 状态."""
    return models.CharField(_("状态"), max_length=max_length, choices=choices.choices, **options)


# -- constraints ---------------------------------------------------------------------------


def positive(field: str, name: str) -> models.CheckConstraint:
    """An amount stored only above zero (a plan, budget, contract or payment of nothing is not
    recorded)."""
    return models.CheckConstraint(condition=Q(**{f"{field}__gt": 0}), name=name)


def period_order(name: str) -> models.CheckConstraint:
    """A period of years (``start_year``, ``end_year``) does not end before it starts."""
    return models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name=name)


def numbered_versions(prefix: str, parent: str = "plan") -> list[models.UniqueConstraint]:
    """The versions of a document: each number once per document, one draft at a time."""
    return [
        models.UniqueConstraint(fields=[parent, "number"], name=f"{prefix}_number"),
        models.UniqueConstraint(
            fields=[parent], condition=Q(state="draft"), name=f"{prefix}_one_draft"
        ),
    ]


# -- who sees what -------------------------------------------------------------------------


class PublicToSignedIn:
    """Queryset mixin for official documents (plans, lists, catalogs, policies) that every
    signed-in user may read; the anonymous see none of them."""

    def for_user(self: Any, user: Any) -> Any:
        return self if user.is_authenticated else self.none()


# -- who and when --------------------------------------------------------------------------


class Recorded(models.Model):
    """A fact someone entered on the platform (登记): who, and when."""

    recorded_by = by_user()
    recorded_at = creation_time(_("登记时间"))

    class Meta:
        abstract = True


class Created(models.Model):
    """A document someone started on the platform (a plan, a framework): who, and when."""

    created_by = by_user()
    created_at = creation_time(_("创建时间"))

    class Meta:
        abstract = True


# -- pages ---------------------------------------------------------------------------------


class DetailPage:
    """Model mixin for a record with a page of its own: ``detail_url_name`` names the URL
    pattern, which takes the record's primary key."""

    detail_url_name: str

    def get_absolute_url(self: Any) -> str:
        return reverse(self.detail_url_name, args=[self.pk])
