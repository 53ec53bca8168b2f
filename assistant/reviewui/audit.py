"""The audit screen: events as table rows, and the chain verification in words."""

from __future__ import annotations

import json

from assistant.review.views import AuditEventView, AuditVerification

ANY = "Any"


def event_rows(events: list[AuditEventView]) -> list[dict[str, object]]:
    return [
        {
            "id": e.id,
            "at": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "actor": e.actor or "system",
            "action": e.action,
            "question": e.question_id if e.question_id is not None else "",
            "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)
            if e.details
            else "",
            "hash": e.hash[:12],
        }
        for e in events
    ]


def verification_message(result: AuditVerification) -> tuple[bool, str]:
    if result.ok:
        return True, f"The audit chain is intact: {result.checked} event(s) verified."
    where = f" (event {result.event_id})" if result.event_id is not None else ""
    return False, (
        f"The audit chain is broken{where}: {result.problem or 'unknown problem'}. "
        f"{result.checked} event(s) checked. Events were altered or deleted outside the "
        "application: restore the database from a backup and investigate."
    )


def choice(value: str) -> str | None:
    return None if value in ("", ANY) else value
