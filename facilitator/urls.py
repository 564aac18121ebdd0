from django.contrib.auth import views as auth_views
from django.urls import path

from facilitator import (counterfactual_views, debrief_views, disruption_views, guide_views, lockout_views,
                         personal_data_views, views)

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="frontend/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.session_list, name="console"),
    path("sessions/new/", views.session_new, name="session-new"),
    path("s/<int:session_id>/", views.session_console, name="session-console"),
    path("s/<int:session_id>/qr.svg", views.session_qr, name="session-qr"),
    path("s/<int:session_id>/join-address/", views.session_join_address, name="session-join-address"),
    path("s/<int:session_id>/debrief/", debrief_views.session_debrief_page, name="session-debrief"),
    path("s/<int:session_id>/results.csv", debrief_views.session_results_csv, name="session-results-csv"),
    path("s/<int:session_id>/results.xlsx", debrief_views.session_results_xlsx, name="session-results-xlsx"),
    path("s/<int:session_id>/clone/", views.session_clone_view, name="session-clone"),
    path("s/<int:session_id>/counterfactual/", counterfactual_views.session_counterfactual,
         name="session-counterfactual"),
    path("s/<int:session_id>/disruption-impact/", disruption_views.session_disruption_impact,
         name="session-disruption-impact"),
    path("s/<int:session_id>/lockouts/", lockout_views.session_lockouts, name="session-lockouts"),
    path("s/<int:session_id>/personal-data/", personal_data_views.session_personal_data, name="session-personal-data"),
    path("s/<int:session_id>/guide/", guide_views.session_guide_page, name="session-guide"),
    path("guide/<str:scenario_name>/", guide_views.scenario_guide_page, name="scenario-guide"),
    path("s/<int:session_id>/<str:action>/", views.session_command, name="session-command"),
]
