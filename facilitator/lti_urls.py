"""LTI 1.3 tool addresses, to register on the learning platform (README, "Launch from a learning platform")."""
from django.urls import path

from facilitator import lti_views

urlpatterns = [
    path("login/", lti_views.lti_login, name="lti-login"),
    path("launch/", lti_views.lti_launch, name="lti-launch"),
    path("join/", lti_views.lti_join, name="lti-join"),
    path("jwks/", lti_views.lti_jwks, name="lti-jwks"),
]
