"""Calls to the generated layer (``replicate_api``): requests as data, sent sync or async."""
