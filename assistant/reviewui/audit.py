"""The audit screen: events as table rows, and the chain verification in words."""

from __future__ import annotations

import json
from collections.abc import Mapping

from assistant.review.audit import anchoring_note
from assistant.review.views import AuditEventView, AuditVerification

ANY = "Any"


def event_rows(
    events: list[AuditEventView], names: Mapping[str, str] | None = None
) -> list[dict[str, object]]:
    """One row per event, led by what happened in plain words (people by their display
    names, from ``names``); every cell of a column has one type (Streamlit's Arrow tables
    refuse a column mixing numbers and text)."""
    return [
        {
            "at": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "what happened": describe(e, names or {}),
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


SIGN_OUTS = {
    "signed_out": "signed out",
    "idle": "was signed out after a time without activity",
    "lifetime": "was signed out: the session reached its longest time",
    "disabled": "was signed out: the account is disabled",
}


def describe(e: AuditEventView, names: Mapping[str, str] | None = None) -> str:
    """ "Dr. Demo approved #3 (version 2)", "someone failed to sign in (unknown user)"."""
    names = names or {}
    who = names.get(e.actor or "", e.actor) or (
        "someone" if e.action.startswith("user.login") else "the system"
    )
    d = e.details
    q = f"#{e.question_id}" if e.question_id is not None else "a question"
    version = f" (version {d['version']})" if "version" in d else ""
    accepted = d.get("acknowledged") or ()
    despite = f", confirming {len(accepted)} open warning(s)" if accepted else ""
    holder = str(d.get("took_over") or "")
    took = f", taking it over from {names.get(holder, holder)}" if holder else ""
    phrases = {
        "user.login_ok": "signed in",
        "user.login_failed": f"failed to sign in ({d.get('reason', 'refused')})",
        "user.login_throttled": "was refused: too many wrong passwords, wait before retrying",
        "user.signed_out": SIGN_OUTS.get(str(d.get("reason")), "signed out"),
        "user.added": f"added the user {d.get('user', '?')} ({d.get('role', '?')})",
        "user.disabled": f"disabled the user {d.get('user', '?')}",
        "question.created": f"added {q}" + (f" ({d['origin']})" if "origin" in d else ""),
        "question.opened": f"opened {q}",
        "question.claimed": f"claimed {q} for review{took}",
        "question.released": f"gave {q} back to the queue",
        "question.reopened": f"reopened {q}",
        "version.saved": f"saved {q}{version}" + (f", {d['kind']}" if "kind" in d else ""),
        "review.approved": f"approved {q}{version}{despite}",
        "review.rejected": f"rejected {q}{version}"
        + (f": {str(d['reason']).replace('_', ' ')}" if "reason" in d else ""),
        "page.downloaded": f"downloaded the page of {q}"
        + (f" ({d['format']})" if "format" in d else ""),
        "audit.anchored": "sealed the audit chain with its key"
        + (f" (events 1 to {d['unanchored']} came before it)" if "unanchored" in d else ""),
        "export": f"exported {d.get('count', '?')} approved page(s)",
    }
    return f"{who} {phrases.get(e.action, e.action)}"


def verification_message(result: AuditVerification) -> tuple[bool, str]:
    if result.ok:
        note = anchoring_note(result)
        extra = f" Note: {note}." if note else ""
        return True, f"The audit chain is intact: {result.checked} event(s) verified.{extra}"
    where = f" (event {result.event_id})" if result.event_id is not None else ""
    return False, (
        f"The audit chain is broken{where}: {result.problem or 'unknown problem'}. "
        f"{result.checked} event(s) checked. Events were altered or deleted outside the "
        "application: restore the database from a backup and investigate."
    )


def choice(value: str) -> str | None:
    return None if value in ("", ANY) else value
