"""Which policy version is in force for a unit on a date (Art. 39: districts may have their own)."""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db.models import QuerySet, Subquery

from core.dates import today
from core.memo import memoised

from .models import PolicyParameter, PolicyVersion

MUNICIPAL = ""
T = TypeVar("T")


class NoPolicyInForce(LookupError):
    pass


def division_of(organisation: Any) -> str:
    """The division code whose policy governs ``organisation``: its district's, or municipal."""
    if organisation is None:
        return MUNICIPAL
    if organisation.division_code and organisation.kind == "district":
        return str(organisation.division_code)
    district = getattr(organisation, "district", None)
    return str(district.division_code) if district is not None else MUNICIPAL


def policy_in_force(organisation: Any = None, on: dt.date | None = None) -> PolicyVersion:
    """The latest version effective on ``on`` for the organisation's district, falling back to
    the municipal policy when the district has none. Read once per page (``core.memo``)."""
    on = on or today()
    division = division_of(organisation)
    version = memoised(("policy_in_force", division, on), lambda: _kept_version_on(division, on))
    if version is not None:
        return version
    raise NoPolicyInForce(f"{on} 没有生效的政策版本，请系统管理员配置。")


# -- kept for the process ------------------------------------------------------------------
# A version and its parameters never change once loaded: versions come with a release's
# migrations (there is no page or action that edits one), and a new version is a new row.
# So the process keeps what it read, and every gate, page and Art. 26 decision is spared the
# policy query. Saving or deleting a version or a parameter in this process forgets it all
# (tests, a migration run by this process); other processes are restarted by the release that
# brings the migration, as the README's upgrade steps say.
_KEPT: dict[tuple[Any, ...], Any] = {}
_KEPT_MAX = 256  # (division, day) pairs: a day's worth of districts many times over


def forget_policies(*args: Any, **kwargs: Any) -> None:
    """Forget every kept version (a version or a parameter was saved or deleted)."""
    _KEPT.clear()


def _kept(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    try:
        return cast(T, _KEPT[key])
    except KeyError:
        pass
    value = read()
    if len(_KEPT) >= _KEPT_MAX:
        _KEPT.clear()
    _KEPT[key] = value
    return value


def _kept_version_on(division: str, on: dt.date) -> PolicyVersion | None:
    return _kept(("on", division, on), lambda: _version_on(division, on))


def _version_on(division: str, on: dt.date) -> PolicyVersion | None:
    """The version in force with its parameters, in one query: the parameters of the latest
    version effective on ``on`` for ``division`` (else the municipal one), each joined to it."""
    for code in dict.fromkeys([division, MUNICIPAL]):
        latest = (
            PolicyVersion.objects.filter(division_code=code, effective_from__lte=on)
            .order_by("-effective_from")
            .values("pk")[:1]
        )
        version = _with_parameters(PolicyParameter.objects.filter(policy=Subquery(latest)))
        if version is None:  # no version, or one without parameters: read it alone
            version = (
                PolicyVersion.objects.filter(division_code=code, effective_from__lte=on)
                .prefetch_related("parameters")
                .order_by("-effective_from")
                .first()
            )
        if version is not None:
            return version
    return None


def policy_version(pk: int) -> PolicyVersion:
    """The version ``pk`` (a project's pinned policy) with its parameters, in one query; read
    once per scope (``core.memo``)."""

    def read() -> PolicyVersion:
        version = _with_parameters(PolicyParameter.objects.filter(policy_id=pk))
        if version is None:
            version = PolicyVersion.objects.prefetch_related("parameters").get(pk=pk)
        return version

    return memoised(("policy_version", pk), lambda: _kept(("pk", pk), read))


def _with_parameters(parameters: QuerySet[PolicyParameter]) -> PolicyVersion | None:
    """The one version of ``parameters`` (read with it), its ``parameters`` prefetched as
    ``prefetch_related`` would leave them; None when there are no parameters."""
    rows = list(parameters.select_related("policy").order_by("key"))
    if not rows:
        return None
    version = rows[0].policy
    for row in rows:
        row.policy = version
    # what ``prefetch_related("parameters")`` stores on the version
    cached: Any = version.parameters.all()
    cached._result_cache, cached._prefetch_done = rows, True
    cast(Any, version)._prefetched_objects_cache = {"parameters": cached}
    return version


def code_in_force(organisation: Any = None, on: dt.date | None = None) -> str:
    """The code of the version in force (``policy_in_force`` without loading its parameters);
    empty when none is. ``organisation`` may be given by its id."""
    if organisation is not None and not hasattr(organisation, "division_code"):
        from accounts.models import Organisation

        organisation = Organisation.objects.filter(pk=organisation).first()
    on = on or today()
    for division in dict.fromkeys([division_of(organisation), MUNICIPAL]):
        code = _kept(("code", division, on), functools.partial(_code_on, division, on))
        if code is not None:
            return str(code)
    return ""


def _code_on(division: str, on: dt.date) -> Any:
    return (
        PolicyVersion.objects.filter(division_code=division, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("code", flat=True)
        .first()
    )
