app_name = "jobs"

# The module's pages arrive with its own issue; until then nothing links here.
urlpatterns: list = []
