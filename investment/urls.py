from django.urls import path

from . import views

app_name = "investment"

urlpatterns = [
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
]
