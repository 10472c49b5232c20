"""The public 劳模工匠 profiles as JSON (only those their member agreed to show)."""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from honours import selectors
from honours.api.serializers import HonourSerializer


class HonourViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HonourSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        # ?region=131000: the profiles shown on that city's (or county's) page.
        return selectors.honour_public_list(region_code=self.request.query_params.get("region", ""))
