"""Helpers shared by the test layers: scripted and loopback servers, clients, emulator fixtures."""
