"""Writes for accounts, one module per area; import from the module (services.users ...)."""
