from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from publishing.api.serializers import ArticleListFilterSerializer, ArticleOutputSerializer
from publishing.selectors.articles import article_search
from regions.selectors import region_tree


class ArticleListApi(ListAPIView):
    """Public list of published articles, by region (with its subtree) and kind, searchable
    in Chinese with ``q``."""

    permission_classes = [AllowAny]
    serializer_class = ArticleOutputSerializer

    @extend_schema(parameters=[ArticleListFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = ArticleListFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        region = region_tree().get(data["region"]) if data.get("region") else None
        return article_search(
            query=data.get("q", ""),
            region_path=region.path if region else None,
            kind=data.get("kind"),
        )
