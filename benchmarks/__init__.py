"""Benchmarks of piano against the tools a user could run by hand (`python -m
benchmarks.compare`). Not part of the installed package."""
