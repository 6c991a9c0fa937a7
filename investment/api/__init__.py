"""The investment chapter over JSON (Art. 10, 11, 25-27, 37): the annual investment plan and its
versions, performance target tables, budget lines and their reconciliation with the plan, the
Art. 11 path, contracts and payments, the approved baseline and change requests classified by
Art. 26. Mounted at ``/api/investment/``.

Every object is loaded through ``accounts.scoping`` and every change is an action of
``investment/actions`` whose contract is the payload (each is also at ``/api/actions/…``).
Missing and forbidden objects answer the same 404; a refusal answers 409 with its findings
(rule, article, message, remedy, facts); invalid input answers 422 with Chinese messages per
field. Amounts come in as 万元 in fields named ``*_wan`` (text or integers; a JSON number with a
fraction is refused with 422) and go out as Decimal strings in yuan and in 万元. Lists take the
chapter's filter sets; a filter value that is not valid is a 422.
"""

from ninja import Router

from . import money, plan, project

router = Router(tags=["投资计划与资金"])
router.add_router("", plan.router)
router.add_router("", money.router)
router.add_router("", project.router)
