"""The read-replica router (docs/scaling.md "Read replicas").

When settings.COUNTERHALL_READ_REPLICA names a database alias (DATABASE_REPLICA_URL set),
reads of the models in REPLICA_MODELS go there: the audit log and its seals, read by the
audit desk, the admin's audit list and audit_verify, and metrics (their models are added
here by label). Every other read, and every write, goes to default. A replica lags its
primary by a moment, so a page that must see what it has just written reads default
(``.using("default")``), and a read inside a transaction on default stays on default
(it must see the transaction's own writes: the audit seal reads and chains in one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections

# Models read from the replica, by "app_label.ModelName" (lower case). Adding one is a line.
REPLICA_MODELS = frozenset(
    {
        "counterhall.auditentry",
        "counterhall.auditseal",
        "counterhall.metricday",  # the efficiency figures' rollups (the rollup writes default)
    }
)


def replica_alias() -> str | None:
    alias = getattr(settings, "COUNTERHALL_READ_REPLICA", "")
    return alias if alias and alias in settings.DATABASES else None


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if (
            alias
            and model._meta.label_lower in REPLICA_MODELS
            and not connections["default"].in_atomic_block
        ):
            return alias
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # One database and its copy: every object may relate to every other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows default by replication; migrations run on default only.
        return db == "default"
