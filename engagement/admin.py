from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.models import Community, Department, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "email"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


# django-otp's own admin shows each authenticator's secret key and QR code, which would
# let an Administrator sign in as anyone. Authenticators are reset from the staff
# accounts page instead, which shows no secret and writes to the audit log.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
