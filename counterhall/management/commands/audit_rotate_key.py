import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from counterhall import audit


class Command(BaseCommand):
    help = (
        "Rotate the audit key (docs/deployment.md): --new prints a fresh key and the steps; "
        "run without it once the new key is current and the old one retired, to check that "
        "every key the log uses is in the keyring, seal the settled entries and record the "
        "rotation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new", action="store_true", help="print a fresh key and its id")
        parser.add_argument(
            "--settle-seconds", type=int, default=None, help="default AUDIT_SETTLE_SECONDS"
        )

    def handle(self, *args, new, settle_seconds, **options):
        if new:
            self._new()
            return
        current = audit.audit_key()
        if current is None:
            raise CommandError("COUNTERHALL_AUDIT_KEY is not set: there is no key to rotate to")
        keys = audit.audit_keys()
        usage = audit.key_usage()
        missing = {key_id: n for key_id, n in usage.items() if key_id not in keys}
        if missing:
            raise CommandError(
                "the keyring lacks keys the log was digested with: "
                + ", ".join(f"{key_id} ({n} entries)" for key_id, n in sorted(missing.items()))
                + "; put the old key in COUNTERHALL_AUDIT_RETIRED_KEYS"
            )
        current_id = audit.key_fingerprint(current)
        for key_id, n in sorted(usage.items()):
            role = "current" if key_id == current_id else ("none" if not key_id else "retired")
            self.stdout.write(f"  {key_id or '(plain SHA-256)':16s}  {n:>10d} entries  {role}")
        sealed = audit.seal(settle_seconds=settle_seconds)
        if sealed is not None:
            self.stdout.write(
                f"sealed entries #{sealed.first_entry_id}–#{sealed.last_entry_id} "
                f"(positions {sealed.first_seq}–{sealed.last_seq})"
            )
        with transaction.atomic():
            entry = audit.record_key_rotation()
        if entry is None:
            self.stdout.write(f"the audit key is {current_id} already (rotation recorded before)")
        else:
            previous = entry.before["key_id"] if entry.before else ""
            self.stdout.write(
                f"audit key rotated from {previous or '(none)'} to {current_id}: recorded as "
                f"entry #{entry.pk}; keep the retired keys for as long as the log is kept"
            )

    def _new(self):
        key = secrets.token_urlsafe(32)
        key_id = audit.key_fingerprint(key.encode())
        current = audit.audit_key()
        self.stdout.write(f"new audit key (id {key_id}): {key}")
        self.stdout.write("1. keep it outside the database (the secret store, like the old one)")
        self.stdout.write(
            "2. set COUNTERHALL_AUDIT_KEY to it and add the current key to "
            "COUNTERHALL_AUDIT_RETIRED_KEYS (comma-separated)"
            + (f" (the current key is {audit.key_fingerprint(current)})" if current else "")
        )
        self.stdout.write("3. restart the application, then run: manage.py audit_rotate_key")
