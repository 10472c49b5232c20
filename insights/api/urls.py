from django.urls import path

from insights.api import views

urlpatterns = [
    path("insights/indicators/", views.IndicatorListApi.as_view(), name="insights-indicators"),
    path("insights/facts/", views.FactListApi.as_view(), name="insights-facts"),
]
