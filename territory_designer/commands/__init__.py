"""Headless commands behind ``main.py``: one module per group, each a set of
``add_arguments(subparsers)`` registrations and ``run_*`` handlers."""
