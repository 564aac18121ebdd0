from django.urls import path

from facilitator import projector_views

urlpatterns = [
    path("<str:join_code>/", projector_views.projector, name="projector"),
    path("<str:join_code>/state.json", projector_views.projector_state_json, name="projector-state"),
    path("<str:join_code>/qr.svg", projector_views.projector_qr, name="projector-qr"),
]
