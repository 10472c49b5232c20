from rest_framework.routers import SimpleRouter

from honours.api.views import HonourViewSet

router = SimpleRouter()
router.register("honours", HonourViewSet, basename="honour")

urlpatterns = router.urls
