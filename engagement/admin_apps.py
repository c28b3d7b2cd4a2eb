from django.contrib.admin.apps import AdminConfig


class CommunityVoiceAdminConfig(AdminConfig):
    """The Django admin with our own site class (engagement/admin_site.py)."""

    default_site = "engagement.admin_site.CommunityVoiceAdminSite"
