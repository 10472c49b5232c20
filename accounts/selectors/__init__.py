"""Reads for accounts, one module per area."""
