"""`python manage.py generate_portfolio`: a realistic city of generated data for the benchmarks.

All municipal units and Chongqing's 38 districts and counties, 100,000 projects over every
state and plan year 2021–2027 with what their state implies, 100,000 information systems with
their resources and items, and 1,000,000 sealed ledger events (``demo.portfolio``). Runs on
SQLite and PostgreSQL alike; refuses a second run unless ``--replace``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.portfolio import generate as portfolio


class Command(BaseCommand):
    help = "生成基准测试用的城市数据（项目、信息系统、审计日志）；再次运行须加 --replace。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects", type=int, default=100_000, help="projects (default 100,000)"
        )
        parser.add_argument(
            "--systems", type=int, default=None, help="information systems (default: --projects)"
        )
        parser.add_argument(
            "--events", type=int, default=None, help="ledger events (default: 10 × --projects)"
        )
        parser.add_argument(
            "--units", type=int, default=400, help="project-building units (default 400)"
        )
        parser.add_argument("--batch", type=int, default=5_000, help="rows per INSERT batch")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="remove the portfolio generated before (ledger events stay: append-only)",
        )

    def handle(self, *args, **options):
        projects = options["projects"]
        systems = options["systems"] if options["systems"] is not None else projects
        events = options["events"] if options["events"] is not None else 10 * projects
        units = options["units"]
        if min(projects, systems, events) < 0 or units < 8 or options["batch"] < 1:
            raise CommandError("--projects/--systems/--events ≥ 0, --units ≥ 8, --batch ≥ 1.")
        if events and not projects:
            raise CommandError("Ledger events concern the generated projects: give --projects.")
        self.stdout.write(
            f"database: {connection.vendor}; projects {projects:,}, systems {systems:,}, "
            f"events {events:,}, units {units:,}"
        )
        try:
            report = portfolio.generate(
                projects_count=projects,
                systems_count=systems,
                events=events,
                units=units,
                batch=options["batch"],
                replace=options["replace"],
                say=self.stdout.write,
            )
        except portfolio.AlreadyGenerated:
            raise CommandError(
                "A generated portfolio is already in this database (projects coded "
                f"{portfolio.PROJECT_PREFIX}…, systems {portfolio.SYSTEM_PREFIX}…). "
                "Run with --replace to remove it and generate anew."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"done in {report.seconds:.1f} s"))
