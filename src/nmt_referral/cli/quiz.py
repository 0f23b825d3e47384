"""The quiz command: referral patterns asked in the terminal, with spaced repetition (see nmt_referral.study)."""

from __future__ import annotations
