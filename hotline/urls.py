app_name = "hotline"

# The module's pages arrive with its own issue; until then nothing links here.
urlpatterns: list = []
