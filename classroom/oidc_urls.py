from django.urls import path

from classroom import oidc

urlpatterns = [
    path("authenticate/", oidc.StaffOIDCAuthenticate.as_view(), name="oidc_authentication_init"),
    path("callback/", oidc.StaffOIDCCallback.as_view(), name="oidc_authentication_callback"),
]
