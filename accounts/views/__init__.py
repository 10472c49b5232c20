"""Views for accounts, one module per area; accounts/urls.py wires them."""
