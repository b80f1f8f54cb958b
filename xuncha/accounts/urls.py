from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/2fa/", views.login_2fa_view, name="login_2fa"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("profile/", views.profile_view, name="profile"),
    path("2fa/setup/", views.totp_setup_view, name="totp_setup"),
    path("2fa/disable/", views.totp_disable_view, name="totp_disable"),
    path("2fa/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("tokens/new/", views.token_create_view, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_edit_view, name="user_edit"),
    path("users/<int:pk>/reset-password/", views.user_reset_password_view,
         name="user_reset_password"),
    path("users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_2fa_view, name="user_reset_2fa"),
    # The account is a form field (access_power_account), not a URL part.
    path("powers/", views.power_list_view, name="power_list"),
    path("powers/grant/", views.power_grant_view, name="power_grant"),
    path("powers/revoke/", views.power_revoke_view, name="power_revoke"),
]
