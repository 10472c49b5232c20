"""Bare Django 5.2 for the request-path benchmark: one view, no middleware, no database."""
