from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("staff/dashboard/", views.dashboard_view, name="dashboard"),
    path("staff/actions/", views.action_list, name="list"),
    path("staff/actions/new/", views.action_new, name="new"),
    path("staff/actions/mine/", views.my_actions, name="mine"),
    path("staff/actions/unanswered/", views.unanswered_feedback, name="unanswered"),
    path("staff/actions/<int:pk>/", views.action_detail, name="detail"),
    path("staff/actions/<int:pk>/edit/", views.action_edit_view, name="edit"),
    path("staff/actions/<int:pk>/agree/", views.action_agree_view, name="agree"),
    path("staff/actions/<int:pk>/decline/", views.action_decline_view, name="decline"),
    path("staff/actions/<int:pk>/update/", views.action_update_view, name="update"),
    path("you-said-we-did/", views.public_list, name="public-list"),
    path("you-said-we-did/<int:pk>/", views.public_detail, name="public-detail"),
]
