"""Mistake detectors: read one team's time series, name the mistake, give the rounds and numbers."""
from __future__ import annotations


def detect_mistakes(history: list[dict]) -> list[dict]:
    return []
