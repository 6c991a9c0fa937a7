"""`python manage.py evidence_reindex`: build the evidence index and the duplicate-collection
findings from scratch (a new installation, or after the dictionaries changed)."""

import time

from django.core.management.base import BaseCommand

from evidence.reindex import rebuild


class Command(BaseCommand):
    help = "重建重复建设比对索引和重复采集核查。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rebuild()
        self.stdout.write(
            f"已索引 {counts['systems']} 个系统、{counts['projects']} 个项目，"
            f"核查 {counts['scanned']} 个对象，用时 {time.perf_counter() - started:.1f} 秒。"
        )
