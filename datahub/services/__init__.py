"""Writes for datahub: roster imports (``imports``) and the exchange API (``exchange``)."""
