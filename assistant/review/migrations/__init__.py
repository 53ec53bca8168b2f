"""Alembic migrations of the review store (run at open by ``assistant.review.database``)."""
