"""Writes for datahub: roster imports (``imports``), the exchange API (``exchange``) and the
member change feed both of them and the portal's membership services append to (``feed``)."""
