"""Random numbers for one round, drawn from (seed, round) only.

Common random numbers: every team of a session reads the same draws (leading axis 1, broadcast),
so differences between teams come from decisions. Previews draw one set per sample instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .levers import N_STATIONS

MAX_DAYS = 26  # 6x2 pattern
FAIL_SLOTS = 48  # failures per station, mode and round we can draw for (far above what happens)
PM_EVENTS = 6  # weekly PM interventions per round (4-5 happen)


@dataclass(frozen=True)
class RoundNoise:
    hazard: np.ndarray  # [n, S, K] Exp(1) hazard budgets of the wear-out mode, one per successive failure
    ttr: np.ndarray  # [n, S, K] repair-time multipliers, lognormal mean 1
    random_gap: np.ndarray  # [n, S, K] Exp(1) run-hour gaps (in MTBFs) between random-mode failures
    random_ttr: np.ndarray  # [n, S, K] repair-time multipliers of random failures
    induced: np.ndarray  # [n, PM_EVENTS, S, 2] uniforms: does this PM introduce a fault, and when it shows
    absence: np.ndarray  # [n, D, S] standard normal: who happens to be absent where
    absence_day: np.ndarray  # [n, D] standard normal: plant-wide daily absence swing
    demand: np.ndarray  # [n] standard normal
    supplier_u: np.ndarray  # [n, 2] uniform: random supplier failure this round?
    supplier_start: np.ndarray  # [n, 2] uniform -> start day
    supplier_len: np.ndarray  # [n, 2] Exp(1) -> duration
    round_u: np.ndarray  # [n, 4] uniforms for stochastic rounding of quits, injuries


def draw_noise(seed: int, round_number: int, n: int = 1, mttr_sigma: float = 0.6) -> RoundNoise:
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(round_number) & 0xFFFFFFFF, 0x9A17])
    S = N_STATIONS
    return RoundNoise(
        hazard=rng.exponential(1.0, (n, S, FAIL_SLOTS)),
        ttr=np.exp(rng.normal(-0.5 * mttr_sigma ** 2, mttr_sigma, (n, S, FAIL_SLOTS))),
        random_gap=rng.exponential(1.0, (n, S, FAIL_SLOTS)),
        random_ttr=np.exp(rng.normal(-0.5 * mttr_sigma ** 2, mttr_sigma, (n, S, FAIL_SLOTS))),
        induced=rng.random((n, PM_EVENTS, S, 2)),
        absence=rng.standard_normal((n, MAX_DAYS, S)),
        absence_day=rng.standard_normal((n, MAX_DAYS)),
        demand=rng.standard_normal(n),
        supplier_u=rng.random((n, 2)),
        supplier_start=rng.random((n, 2)),
        supplier_len=rng.exponential(1.0, (n, 2)),
        round_u=rng.random((n, 4)),
    )
