from django.contrib.admin.apps import AdminConfig


class CounterhallAdminConfig(AdminConfig):
    """Django's admin with an audited default site: every admin edit writes an audit entry
    (counterhall.admin_audit)."""

    default_site = "counterhall.admin_audit.AuditedAdminSite"
