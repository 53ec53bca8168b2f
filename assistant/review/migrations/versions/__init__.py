"""One file per schema revision; ``0001_initial`` creates the store."""
