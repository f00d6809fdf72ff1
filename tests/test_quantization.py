"""Int8Linear on small tensors written here: exact integer arithmetic, per-token scales."""

import pytest

torch = pytest.importorskip("torch")

from stance.models.quantization import Int8Linear  # noqa: E402


def _layer(seed=0, bias=True):
    torch.manual_seed(seed)
    return torch.nn.Linear(24, 16, bias=bias)


def test_matches_the_dequantized_product_computed_in_float64():
    linear = _layer()
    int8 = Int8Linear(linear)
    x = torch.randn(5, 7, 24) * 3
    rows = x.reshape(-1, 24).double()
    scale = rows.abs().amax(dim=1, keepdim=True) / 127
    expected = ((rows / scale).round() * scale) @ (int8.weight_int8.double() * int8.weight_scale.double()) \
        + linear.bias.double()
    torch.testing.assert_close(int8(x).reshape(-1, 16).double(), expected, atol=1e-4, rtol=1e-5)


def test_approximates_the_fp32_layer():
    linear = _layer()
    x = torch.randn(64, 24)
    reference = linear(x)
    error = (Int8Linear(linear)(x) - reference).abs().max() / reference.abs().max()
    assert error < 0.02


def test_a_row_gives_the_same_result_alone_and_beside_rows_of_any_magnitude():
    int8 = Int8Linear(_layer(bias=False))
    row = torch.randn(1, 24)
    batch = torch.cat([torch.randn(3, 24) * 1000, row, torch.zeros(2, 24)])
    assert torch.equal(int8(batch)[3:4], int8(row))


def test_zero_rows_and_zero_weight_channels_give_zeros_not_nan():
    linear = _layer()
    with torch.no_grad():
        linear.weight[2] = 0
    out = Int8Linear(linear)(torch.zeros(3, 24))
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, linear.bias.expand(3, -1))
