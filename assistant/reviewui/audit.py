"""The audit screen: events as table rows, and the chain verification in words."""

from __future__ import annotations

import json

from assistant.review.views import AuditEventView, AuditVerification

ANY = "Any"


def event_rows(events: list[AuditEventView]) -> list[dict[str, object]]:
    """One row per event, led by what happened in plain words; every cell of a column has
    one type (Streamlit's Arrow tables refuse a column mixing numbers and text)."""
    return [
        {
            "at": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "what happened": describe(e),
            "question": f"#{e.question_id}" if e.question_id is not None else "",
            "event": e.action,
            "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)
            if e.details
            else "",
            "id": e.id,
            "hash": e.hash[:12],
        }
        for e in events
    ]


def describe(e: AuditEventView) -> str:
    """ "dr.demo approved #3 (version 2)", "someone failed to sign in (unknown user)"."""
    who = e.actor or ("someone" if e.action.startswith("user.login") else "the system")
    d = e.details
    q = f"#{e.question_id}" if e.question_id is not None else "a question"
    version = f" (version {d['version']})" if "version" in d else ""
    phrases = {
        "user.login_ok": "signed in",
        "user.login_failed": f"failed to sign in ({d.get('reason', 'refused')})",
        "user.login_throttled": "was refused: too many wrong passwords, wait before retrying",
        "user.added": f"added the user {d.get('user', '?')} ({d.get('role', '?')})",
        "user.disabled": f"disabled the user {d.get('user', '?')}",
        "question.created": f"added {q}" + (f" ({d['origin']})" if "origin" in d else ""),
        "question.opened": f"started reviewing {q}",
        "question.reopened": f"reopened {q}",
        "version.saved": f"saved {q}{version}" + (f", {d['kind']}" if "kind" in d else ""),
        "review.approved": f"approved {q}{version}",
        "review.rejected": f"rejected {q}{version}"
        + (f": {str(d['reason']).replace('_', ' ')}" if "reason" in d else ""),
    }
    return f"{who} {phrases.get(e.action, e.action)}"


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
