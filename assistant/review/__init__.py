"""The review store: questions, draft versions, human edits, approvals and rejections, users,
and a hash-chained audit trail, in SQLite (default) or PostgreSQL.

``assistant.review.store.ReviewStore`` is the store; ``assistant.review.views`` holds the
plain values it hands out and ``assistant.review.errors`` its refusals. Nothing is imported
here, so a caller that needs only the values does not load SQLAlchemy.
"""
