"""A province-sized data set for load tests (``manage.py seed_scale``), written with COPY."""
