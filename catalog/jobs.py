"""The catalog's background jobs: importing the master catalog and the data-resource catalog
from a spreadsheet (``core.jobs``; the O&M run is an action marked ``background``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.jobs import Outcome, Progress, job_kind
from core.models import BackgroundJob

from . import xlsx

IMPORTS = {
    "systems": (xlsx.import_systems, L("系统目录"), "catalog:systems"),
    "resources": (xlsx.import_resources, L("数据资源目录"), "catalog:resources"),
}


def import_outcome(result: xlsx.ImportResult, what: str, url: str) -> Outcome:
    """What an import did, as a sentence, counts and the refused cells."""
    summary = _("导入%(what)s：新增 %(c)s，更新 %(u)s，未变 %(n)s，拒绝 %(r)s 行。") % {
        "what": what,
        "c": result.created,
        "u": result.updated,
        "n": result.unchanged,
        "r": result.rejected_rows,
    }
    counts = [
        [_("新增"), result.created],
        [_("更新"), result.updated],
        [_("未变"), result.unchanged],
        [_("拒绝（行）"), result.rejected_rows],
    ]
    return Outcome(summary, url=url, report={"counts": counts, "errors": result.errors})


def _import(job: BackgroundJob, progress: Progress) -> Outcome:
    importer, what, list_url = IMPORTS[job.params["what"]]
    with job.input_file.open("rb") as file:
        result = importer(file, acting_user=job.owner, progress=progress)
    return import_outcome(result, str(what), reverse(list_url))


job_kind("catalog.import")(_import)
