"""The benchmark's arithmetic on tiny shapes (the timings themselves live in `make bench`)."""

import math

from stance.evaluation.bench import gemm_gflops_at


def test_gemm_rate_at_a_models_shapes_is_a_finite_positive_rate():
    rate = gemm_gflops_at(rows=32, projections=[(16, 16, 4), (16, 64, 1), (64, 16, 1), (16, 16, 2)], repeats=2)
    assert math.isfinite(rate) and rate > 0
