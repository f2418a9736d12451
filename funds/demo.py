"""Demo data (seed_demo): this year's approved budgets, a year of dues from payroll lists, the allocation."""

from __future__ import annotations


def seed_demo(*, stdout, rng, **kwargs) -> None:
    from .demo_data import seed

    seed(stdout=stdout, rng=rng)
