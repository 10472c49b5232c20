from django.urls import path

from publishing.api import views

urlpatterns = [
    path("articles/", views.ArticleListApi.as_view(), name="article-list"),
]
