from django.urls import path, re_path

from game import api

# Session ids are matched loosely ([^/]+) so that a bad one is a JSON 404 from the view, not Django's page.
urlpatterns = [
    path("sessions/", api.SessionListApi.as_view(), name="api-sessions"),
    re_path(r"^sessions/(?P<session_id>[^/]+)/$", api.SessionDetailApi.as_view(), name="api-session"),
    re_path(r"^sessions/(?P<session_id>[^/]+)/results/$", api.SessionResultsApi.as_view(),
            name="api-session-results"),
]
