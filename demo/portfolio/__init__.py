"""A realistic city of generated data for the benchmarks (`manage.py generate_portfolio`).

Modules by subject: ``directory`` (Chongqing's municipal units and its 38 districts and
counties), ``projects`` (the project mix: every state, its reviews, list entries, plan,
budget, contracts, payments and deliveries), ``systems`` (the O&M catalog mix: systems, data
resources, information items, sharing requests), ``ledger`` (a valid, sealed hash chain of
events appended after the existing ledger), ``generate`` (the whole city, its removal and the
timings). The bulk builders are shared with the benchmarks (bench/bench_reports.py,
bench/bench_catalog.py), which call them with their own code prefixes.

Everything generated is recognisable by the prefix ``GEN-`` of its code (projects, systems,
data resources, contracts, payment vouchers) or by the note :data:`MARK` (plan and list
versions, ledger events), so that ``--replace`` removes exactly it.
"""

#: code prefix of every generated project, system, resource, contract and voucher
PREFIX = "GEN-"
#: note written on generated plan versions and project-list versions, and in event data
MARK = "generate_portfolio"
