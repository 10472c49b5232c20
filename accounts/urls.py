app_name = "accounts"

# Sign-in, the member card and membership pages arrive with the identity issue.
urlpatterns: list = []
