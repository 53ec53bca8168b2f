"""Importing the site's archive: records, loaders for JSON lines, CSV and page text."""
