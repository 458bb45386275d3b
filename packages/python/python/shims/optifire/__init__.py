"""Keel's stand-in for the OptiFIRE package: the plugin API and the helpers its plugins import."""
