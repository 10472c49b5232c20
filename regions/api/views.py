from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from regions.api.serializers import RegionListFilterSerializer, RegionOutputSerializer
from regions.models import Region
from regions.selectors import region_get, region_list


class RegionListApi(ListAPIView):
    """Public list of administrative regions, narrowed by parent code and level."""

    permission_classes = [AllowAny]
    serializer_class = RegionOutputSerializer

    @extend_schema(parameters=[RegionListFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = RegionListFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return region_list(
            **{
                "parent_code": filters.validated_data.get("parent"),
                "level": filters.validated_data.get("level"),
            }
        )


class RegionDetailApi(RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = RegionOutputSerializer

    def get_object(self) -> Region:
        return region_get(code=self.kwargs["code"])
