"""The projects chapter over JSON (Art. 8, 9, 4, 12-14): projects and their lifecycle
(``projects``), reviews (``reviews``), the published project list, cross-department frameworks,
classified stubs and the 渝快办 intake (``registry``). Mounted at ``/api/projects/``.

Every object is loaded through ``accounts.scoping``; every change is an action of
``projects/actions`` called with its contract as the request body (every action is also at
``/api/actions/…``). Missing and forbidden objects answer the same 404; a blocking gate
answers 409 with its findings (rule, article, message, remedy, facts); invalid input answers
422 with Chinese messages per field.
"""

from . import projects, registry, reviews  # noqa: F401  (each declares its endpoints)
from .router import router

__all__ = ["router"]
