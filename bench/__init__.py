"""Benchmarks (`make bench`). Speed targets live here, not in timed tests."""
