from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from counterhall import lifecycle


class Command(BaseCommand):
    help = "Regenerate the case lifecycle diagram in docs/architecture.md from the state machine."

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="print the diagram instead")

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            if options["print"]:
                self.stdout.write(lifecycle.mermaid())
                return
            path = Path(settings.BASE_DIR) / "docs" / "architecture.md"
            path.write_text(lifecycle.render_into(path.read_text()))
        self.stdout.write(f"updated {path}")
