"""The atlas command: a static, offline referral atlas website (see nmt_referral.study)."""

from __future__ import annotations
