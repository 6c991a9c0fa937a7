"""Every change of the catalog chapter (Art. 14, 15, 17, 18, 20, 31-33), one action each: the
master catalog (``systems``), isolated networks (``isolation``), the data resource catalog
(``resources``), data sharing (``sharing``) and the O&M funding decisions (``funding``)."""

from .funding import decide_om_funding
from .isolation import resubmit_isolation, review_isolation
from .resources import create_resource, item_key, save_resource, update_resource
from .sharing import answer_sharing, report_sharing_usage, request_sharing
from .systems import curate_system, register_system, sync_system_for_project, update_system

__all__ = [
    "answer_sharing",
    "create_resource",
    "curate_system",
    "decide_om_funding",
    "item_key",
    "register_system",
    "report_sharing_usage",
    "request_sharing",
    "resubmit_isolation",
    "review_isolation",
    "save_resource",
    "sync_system_for_project",
    "update_resource",
    "update_system",
]
