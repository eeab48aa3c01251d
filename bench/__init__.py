"""Benchmarks: speed and memory targets, measured here and written into README.md."""
