"""Inputs encoded for the API (files, data URIs) and outputs decoded for the caller (FileOutput)."""
