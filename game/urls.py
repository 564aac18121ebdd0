from django.urls import path

from game import views, whatif_views

urlpatterns = [
    path("play/<str:join_code>/", views.room, name="room"),
    path("play/<str:join_code>/what-if/", whatif_views.whatif_page, name="whatif"),
    path("play/<str:join_code>/what-if.json", whatif_views.whatif_json, name="whatif-json"),
]
