"""Keel's side of the Python plugin bridge (runs inside the plugin's child process)."""
