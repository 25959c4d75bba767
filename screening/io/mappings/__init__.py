"""Built-in header mappings for other layouts (YAML data, shipped as package data)."""
