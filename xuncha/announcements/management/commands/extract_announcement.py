import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuncha.announcements.extract import extract


def read_text(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


class Command(BaseCommand):
    help = "Extract the inspection record from an announcement text (FILE, or - for stdin)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print one JSON object (default)")
        parser.add_argument("--pretty", action="store_true", help="indent the JSON")

    def handle(self, *args, **options):
        try:
            text = read_text(options["file"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        result = extract(text)
        self.stdout.write(json.dumps(result, ensure_ascii=False,
                                     indent=2 if options["pretty"] else None))
