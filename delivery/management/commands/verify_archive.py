"""`python manage.py verify_archive FILE`: check an exported electronic archive (R29.1).

Recomputes the SM3 and SHA-256 of every file listed in the archive's manifest, the manifest's
own SM3 and each ledger event's SM3, and reports every altered, missing or extra file in
Chinese. Exit code 0 when the archive is intact, 1 otherwise."""

from django.core.management.base import BaseCommand, CommandError

from delivery.archive import verify


class Command(BaseCommand):
    help = "校验导出的项目电子档案包：发现被改动、缺失或多出的文件。完好时返回 0，否则返回 1。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="电子档案 zip 文件路径")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as fh:
                problems, warnings, manifest = verify(fh)
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}", returncode=1) from exc
        project = manifest.get("project") or {}
        if project:
            self.stdout.write(
                f"项目 {project.get('code', '')}《{project.get('name', '')}》，"
                f"导出时间 {manifest.get('generated_at', '')}，"
                f"清单文件 {len(manifest.get('files', []))} 个。"
            )
        for line in warnings:
            self.stdout.write(self.style.WARNING(f"提醒：{line}"))
        for line in problems:
            self.stdout.write(self.style.ERROR(line))
        if problems:
            raise CommandError(f"档案校验未通过：发现 {len(problems)} 处问题。", returncode=1)
        self.stdout.write(self.style.SUCCESS("档案完好：全部文件与清单的 SM3、SHA-256 摘要一致。"))
