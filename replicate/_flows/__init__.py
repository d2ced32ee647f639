"""Waiting, streaming and running as I/O-free flows, and the drivers that perform their actions."""
