"""Quality: defect rate per station and day, first-pass yield, and what final inspection catches.
docs/model.md "Quality".
"""
from __future__ import annotations

import numpy as np

INSPECTION = ("light", "standard", "full")


def line_speed_setpoint(weights, p) -> np.ndarray:
    """The floor runs the line a little faster when the director weights throughput over quality, slower the
    other way round (the speed-versus-care call supervisors make every hour)."""
    w = np.asarray(weights, float)
    return 1.0 + p["setpoint_gain"] * (w[:, 0] - w[:, 1]) / 100.0


def defect_rates(s, p, fatigue_day, skill_day, conf, d_def, setpoint, program) -> np.ndarray:
    """Defect rate per day and station [T, D, S]: fatigue, skill, wear, the quality program's capability,
    new equipment still ramping (worse when execution is shaky), speed setpoint, disruptions."""
    base = (s.defect_base
            * (1 + p["defect_age_gain"] * s.age / s.eta)
            * (1 - p["quality_program_effect"] * s.quality_cap)[:, None]
            * (1 + p["ramp_defect_gain"] * s.ramp_gap * (2.0 - conf)[:, None])
            * (setpoint ** p["setpoint_defect_elasticity"])[:, None])  # [T, S]
    people = (1 + p["fatigue_defect_gain"] * fatigue_day) * (1 + p["defect_skill_gain"] * np.maximum(0.85 - skill_day, 0))
    return np.clip(base[:, None, :] * people[:, :, None] + d_def, 0.0, 1.0)


def inspection_catch(lv, p, insp_cover) -> np.ndarray:
    """Share of defects caught before shipping; an underfunded inspection covers only part of the output."""
    catch = np.array([p["inspection_catch"][k] for k in INSPECTION])[lv["insp"]]
    return catch * insp_cover


def quality_program_end(s, p, program) -> None:
    """Capability builds toward the funded program intensity over 2-3 rounds."""
    a = np.exp(-1.0 / p["quality_program_tau"])
    s.quality_cap = program + (s.quality_cap - program) * a
