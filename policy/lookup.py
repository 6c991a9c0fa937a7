"""Which policy version is in force for a unit on a date (Art. 39: districts may have their own)."""

import datetime as dt
from typing import Any, cast

from django.db.models import QuerySet, Subquery

from core.dates import today
from core.memo import memoised

from .models import PolicyParameter, PolicyVersion

MUNICIPAL = ""


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
    version = memoised(("policy_in_force", division, on), lambda: _version_on(division, on))
    if version is not None:
        return version
    raise NoPolicyInForce(f"{on} 没有生效的政策版本，请系统管理员配置。")


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

    return memoised(("policy_version", pk), read)


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
        code = (
            PolicyVersion.objects.filter(division_code=division, effective_from__lte=on)
            .order_by("-effective_from")
            .values_list("code", flat=True)
            .first()
        )
        if code is not None:
            return str(code)
    return ""
