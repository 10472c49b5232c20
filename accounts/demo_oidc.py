"""Demo data for the OpenID Connect provider: the 廊坊 city union's member app, registered as
a public client (a phone app keeps no secret; it proves itself with PKCE).

Try it against a local client listening on http://127.0.0.1:8001/callback: discovery is at
http://127.0.0.1:8000/.well-known/openid-configuration.
"""

from allauth.idp.oidc.models import Client

from accounts.oidc import oidc_client_register

DEMO_CLIENT_ID = "langfang-zgzj-app"
DEMO_CLIENT_NAME = "廊坊市总工会职工服务App"
DEMO_REDIRECT_URI = "http://127.0.0.1:8001/callback"


def seed(*, stdout) -> None:
    client = Client.objects.filter(pk=DEMO_CLIENT_ID).first()
    if client is None:
        client, _secret = oidc_client_register(
            name=DEMO_CLIENT_NAME,
            client_type=Client.Type.PUBLIC,
            redirect_uris=[DEMO_REDIRECT_URI],
            scopes=["openid", "profile", "phone", "member"],
            client_id=DEMO_CLIENT_ID,
        )
        state = "created"
    else:
        state = "exists"
    stdout.write(
        f"  OIDC client {client.name}: client_id={client.pk} (public, PKCE S256), "
        f"redirect {DEMO_REDIRECT_URI} [{state}]"
    )
