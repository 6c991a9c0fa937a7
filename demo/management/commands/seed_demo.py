"""`python manage.py seed_demo`: load the demo directory and people (idempotent)."""

from django.core.management.base import BaseCommand

from accounts.demo import seed_directory
from catalog.demo import seed_catalog
from delivery.demo import seed_delivery
from evidence.demo import seed_evidence
from investment.demo import seed_investment
from planning.demo import seed_planning
from projects.demo import seed_projects
from reports.demo import seed_reports
from supervision.demo import seed_supervision


class Command(BaseCommand):
    help = "载入演示数据（组织、各角色演示账号）；可重复执行。"

    def handle(self, *args, **options):
        people = seed_directory()
        seed_planning(people)
        seed_projects(people)
        seed_investment(people)
        seed_delivery(people)
        seed_catalog(people)
        seed_supervision(people)
        seed_evidence(people)
        seed_reports(people)
        # the accounts are listed by ``serve``, which ``make run`` starts next
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
