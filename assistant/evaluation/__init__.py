"""Measuring the product: retrieval quality now, draft accuracy later."""
