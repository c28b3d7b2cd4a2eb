from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagement.models import Community, Department, Programme
from engagement.services import communities_approve, user_sync_staff_status


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "is_approved", "proposed_by", "proposed_at"]
    list_filter = ["is_approved"]
    search_fields = ["name"]
    readonly_fields = ["proposed_by", "proposed_at"]
    actions = ["approve"]

    @admin.action(description="Approve the selected communities")
    def approve(self, request, queryset):
        approved = communities_approve(communities=queryset)
        self.message_user(request, f"{approved} approved.")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "email"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class AccountAdmin(UserAdmin):
    """Accounts and their roles. What an account may do comes from its roles alone, so
    single permissions are not offered, and whether it reaches this admin follows its
    roles. Administrators are not superusers: they cannot make anyone one, nor change
    the account of someone who is, which would let them sign in as that person."""

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        access = ("is_active", "groups")
        if request.user.is_superuser:
            access += ("is_superuser",)
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Roles"), {"fields": access}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_staff_status(user=form.instance)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AccountAdmin)

# django-otp's own admin shows each authenticator's secret key and QR code, which would
# let an Administrator sign in as anyone. Authenticators are reset from the staff
# accounts page instead, which shows no secret and writes to the audit log.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
