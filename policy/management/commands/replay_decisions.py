"""``manage.py replay_decisions``: evaluate every stored gate decision again from its
snapshot and report identical / different / failed; exit non-zero on any difference or
failure (a rule that no longer decides as it did, or reads beyond its snapshot)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from policy.models import Decision
from policy.replay import replay_decision


class Command(BaseCommand):
    help = "按保存的评估快照重新评估每个规则决定，报告一致、不同和失败的数量。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--gate", help="只重放这一关口的决定")
        parser.add_argument("--since", help="只重放这一天（YYYY-MM-DD）及以后的决定")
        parser.add_argument(
            "--show", type=int, default=20, help="列出不同或失败的决定至多多少个（默认 20）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        decisions = Decision.objects.select_related("policy").order_by("created_at")
        if options["gate"]:
            decisions = decisions.filter(gate=options["gate"])
        if options["since"]:
            decisions = decisions.filter(created_at__date__gte=options["since"])
        counts: Counter[str] = Counter()
        changed_logic = 0
        shown = 0
        for decision in decisions.iterator(chunk_size=500):
            replay = replay_decision(decision)
            counts[replay.status] += 1
            changed_logic += bool(replay.changed_rules)
            if replay.status != "identical" and shown < options["show"]:
                shown += 1
                self.stdout.write(
                    f"{replay.status}\t{replay.gate}\t{replay.decision_id}\t{replay.detail}"
                )
        self.stdout.write(
            f"重放 {sum(counts.values())} 个决定：一致 {counts['identical']}，"
            f"不同 {counts['different']}，失败 {counts['failed']}；"
            f"其中 {changed_logic} 个决定的规则逻辑已在作出后修改。"
        )
        if counts["different"] or counts["failed"]:
            raise CommandError("有决定重放结果与保存的不一致或无法重放。")
