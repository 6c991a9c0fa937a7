"""One filter set per list, used by the page and the API alike (django-filter).

    class ProjectFilter(ListFilter):
        search_fields = ("code", "name", "unit__name")
        state = ChoiceFilter(choices=ProjectState.choices, label=_("状态"))

A page applies it to ``request.GET`` (``apply``) and shows its form; an API endpoint declares
``filters: Query[ProjectFilter.schema()]`` for the documentation and applies the same filter
set to the query string. A value that is not valid (``?state=nonsense``) is an error with a
Chinese message in both, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from ninja import Schema
from pydantic import Field, create_model

from .errors import ActionInvalid


class ListFilter(django_filters.FilterSet):
    """A filter set with a ``q`` search over ``search_fields``."""

    search_fields: ClassVar[tuple[str, ...]] = ()
    q = django_filters.CharFilter(method="search", label=L("搜索"))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        if not value or not self.search_fields:
            return queryset
        cond = Q()
        for field in self.search_fields:
            cond |= Q(**{f"{field}__icontains": value})
        return queryset.filter(cond)

    @property
    def active(self) -> dict[str, Any]:
        """The filters in use, for the page to keep them in its links."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}

    @classmethod
    def schema(cls) -> type[Schema]:
        """A query-parameter schema for the API's documentation (every filter optional)."""
        fields: dict[str, Any] = {}
        for name, flt in cls.base_filters.items():
            description = str(flt.label or name)
            choices = getattr(flt, "extra", {}).get("choices")
            if choices:
                description += "：" + "、".join(f"{k} {v}" for k, v in choices)
            fields[name] = (str | None, Field(None, description=description))
        return create_model(f"{cls.__name__}Query", __base__=Schema, **fields)


def apply(
    filterset_class: type[ListFilter], params: Mapping[str, Any], queryset: QuerySet[Any]
) -> ListFilter:
    """The bound filter set; raises ``ActionInvalid`` (422 in the API) on a bad value."""
    data = {k: v for k, v in params.items() if k in filterset_class.base_filters}
    fs = filterset_class(data, queryset=queryset)
    if not fs.is_valid():
        errors = {k: " ".join(str(e) for e in v) for k, v in fs.form.errors.items()}
        raise ActionInvalid(_("筛选条件无效，请检查后重试。"), errors)
    return fs


def for_page(
    filterset_class: type[ListFilter], request: Any, queryset: QuerySet[Any]
) -> tuple[ListFilter, QuerySet[Any]]:
    """On a page a bad filter value is shown on the filter form and the list is empty."""
    data = {k: v for k, v in request.GET.items() if k in filterset_class.base_filters}
    fs = filterset_class(data, queryset=queryset)
    for field in fs.form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
    if not fs.is_valid():
        return fs, queryset.none()
    return fs, fs.qs


ChoiceFilter = django_filters.ChoiceFilter
NumberFilter = django_filters.NumberFilter
CharFilter = django_filters.CharFilter
BooleanFilter = django_filters.BooleanFilter
ModelChoiceFilter = django_filters.ModelChoiceFilter
