"""Writes of the hotline; every caller (views, API, admin, tasks) goes through these."""
