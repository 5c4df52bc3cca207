"""Robust figures of a service's recent counter occupations: what a line of citizens adds up to."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

PRIOR_WEIGHT = 4  # the configured typical time counts as this many observations
NORMAL_IQR = 1.349  # interquartile range of a standard normal: turns an IQR into a standard deviation
DEFAULT_CV = 0.5
LONG_CASE_CAP = 4.0  # in the mean, no occupation counts longer than this many medians
MIN_REMAINING = 0.5  # a citizen at the counter keeps it busy at least this much longer (minutes)
OVERRUN_SHARE = 0.5  # a case longer than any recent one is expected to need half its time so far again


@dataclass(frozen=True)
class Durations:
    """Robust figures of one service's recent counter occupations, in minutes."""

    median: float
    cv: float
    samples: int
    mean: float = 0.0  # what a line of citizens takes per head: sums of service times grow with the mean
    occupations: tuple[float, ...] = ()  # the samples, for how much longer a case already running takes

    def __post_init__(self) -> None:
        if not self.mean:
            object.__setattr__(self, "mean", self.median)

    def remaining(self, elapsed: float) -> float:
        """Expected minutes left of a case that has run `elapsed` minutes: the longer it ran, the longer it runs."""
        if elapsed < self.median:
            return max(self.mean - elapsed, MIN_REMAINING)
        longer = [x - elapsed for x in self.occupations if x > elapsed]
        # Past every recent case: it is one of the long ones; assume it needs a good part of what it took so far.
        left = statistics.fmean(longer) if longer else OVERRUN_SHARE * elapsed
        return max(left, MIN_REMAINING)


def durations_from(samples: list[float], prior_minutes: float) -> Durations:
    """Median, mean and spread of occupations, leaning on the configured typical time while samples are few."""
    if not samples:
        return Durations(median=prior_minutes, cv=DEFAULT_CV, samples=0)
    median = statistics.median(samples)
    weight = len(samples) + PRIOR_WEIGHT
    blended = (median * len(samples) + prior_minutes * PRIOR_WEIGHT) / weight
    # Occupations are skewed (the odd long case): the mean, with each case capped, is what a line adds up to.
    cap = LONG_CASE_CAP * median
    mean = statistics.fmean(min(sample, cap) for sample in samples)
    blended_mean = (mean * len(samples) + prior_minutes * PRIOR_WEIGHT) / weight
    if len(samples) >= 4:
        q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        cv = (q3 - q1) / NORMAL_IQR / max(median, 0.1)
    else:
        cv = DEFAULT_CV
    return Durations(
        median=blended, cv=min(max(cv, 0.1), 1.5), samples=len(samples), mean=blended_mean, occupations=tuple(samples)
    )
