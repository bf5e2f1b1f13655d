"""Metrics: pure functions from tables and the as-of date to the figures pages show."""
