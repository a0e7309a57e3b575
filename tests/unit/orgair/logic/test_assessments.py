"""The assessment prompt is versioned: the version a score records names exactly one prompt."""

from __future__ import annotations

import hashlib

from orgair.logic.assessments import PROMPT_VERSION, SYSTEM_PROMPT, AssessmentRequest, user_prompt

PROMPT_FINGERPRINTS = {
    "assessment-2026-12-03": "05467e876760beff517da08c8bab910c63d78f6ea2580e7bb96dbd1863d45d41",
}
"""SHA-256 of the system prompt and the user prompt of a fixed request, per PROMPT_VERSION. A changed
prompt needs a new PROMPT_VERSION (and its line here), so stored scores keep naming what they read."""


def fingerprint() -> str:
    request = AssessmentRequest(company_id="c", sector="technology", evidence="E")
    return hashlib.sha256((SYSTEM_PROMPT + "\x00" + user_prompt(request, "E")).encode()).hexdigest()


def test_the_prompt_version_names_the_prompt_in_use() -> None:
    assert PROMPT_FINGERPRINTS.get(PROMPT_VERSION) == fingerprint(), (
        "the assessment prompt changed: give it a new PROMPT_VERSION and record its fingerprint here"
    )


def test_the_user_prompt_carries_the_evidence_read_not_the_request_field() -> None:
    request = AssessmentRequest(company_id="c", sector="technology", evidence_id="01JEV1DENCE0000000000000AB")
    assert "document text" in user_prompt(request, "document text")
