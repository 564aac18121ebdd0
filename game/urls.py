from django.urls import path

from game import views

urlpatterns = [
    path("play/<str:join_code>/", views.room, name="room"),
]
