"""Partition the audit log by month on PostgreSQL (counterhall.audit_partitions)."""

from django.core.management.base import BaseCommand, CommandError

from counterhall import audit_partitions as parts


class Command(BaseCommand):
    help = (
        "审计日志按月分区（PostgreSQL）：--convert 转为分区表，--create-ahead N 预建分区，"
        "--detach YYYY-MM 将旧月分区分离为归档表，--verify-archive YYYY-MM 单独校验归档。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--convert", action="store_true", help="turn the table partitioned")
        parser.add_argument("--create-ahead", type=int, metavar="N", help="months ahead")
        parser.add_argument("--detach", metavar="YYYY-MM", help="archive an old month")
        parser.add_argument("--verify-archive", metavar="YYYY-MM", help="verify an archive")
        parser.add_argument("--list", action="store_true", help="list the live partitions")

    def handle(self, *args, convert, create_ahead, detach, verify_archive, list, **options):
        try:
            if convert:
                created = parts.convert(ahead=create_ahead if create_ahead is not None else 3)
                self.stdout.write(f"converted: {len(created)} monthly partitions and a default")
            elif create_ahead is not None:
                created = parts.create_ahead(create_ahead)
                self.stdout.write("created: " + (", ".join(created) or "none (all there)"))
            if detach:
                record = parts.detach(detach)
                self.stdout.write(
                    f"archived {record['month']} to {record['table']}: {record['entries']} entries"
                )
            if verify_archive:
                check = parts.verify_archive(verify_archive)
                for problem in check.problems:
                    self.stderr.write(problem)
                if not check.ok:
                    raise CommandError(f"{check.table}: FAILED")
                self.stdout.write(f"{check.table}: OK ({check.entries} entries)")
            if list:
                for name in parts.partitions():
                    self.stdout.write(name)
        except parts.PartitionError as exc:
            raise CommandError(str(exc)) from exc
