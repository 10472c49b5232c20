"""Sign in with the national 职工之家 identity: this portal as an OpenID Connect relying party
of the national platform (django-allauth's socialaccount with a stricter provider)."""
