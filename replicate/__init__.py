"""Python client for Replicate's HTTP API."""
