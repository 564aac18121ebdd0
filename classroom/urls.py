from django.urls import path

from classroom import language_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("join/<str:join_code>/", views.join, name="join-code"),
    path("language/", language_views.language_set, name="language-set"),
]
