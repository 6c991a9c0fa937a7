"""Projects fixtures live in tests/conftest.py (``planned``, ``walker``, ``wj_walker``) because
the investment and delivery chapters build on approved projects too."""
