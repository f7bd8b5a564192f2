"""Storage: shared state (in-process or Redis)."""
