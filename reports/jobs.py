"""The reports chapter's background jobs: the O&M decision notices of a run, one official
document per unit (``core.jobs``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import OMRun
from core.jobs import Outcome, Progress, job_kind
from core.models import BackgroundJob


@job_kind("reports.om_notices")
def om_notices(job: BackgroundJob, progress: Progress) -> Outcome:
    from .builders import issue_om_notices

    run = OMRun.objects.get(pk=job.params["run"])
    issued = issue_om_notices(run, progress=progress)
    summary = _(
        "已生成运维经费决定通知书 %(n)s 份（每个建设单位一份），已归入各单位的文件材料。"
    ) % {"n": len(issued)}
    return Outcome(summary, url=reverse("catalog:om_list") + f"?year={run.budget_year}")
