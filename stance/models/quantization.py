"""Dynamic int8 quantization of a transformer encoder for CPU inference.

PyTorch's dynamic int8 quantizes each Linear layer's input per tensor, batch by batch. The
inputs of the feed-forward output projections (GELU activations) carry a few channels far
larger than the rest, so one scale per tensor leaves the other channels almost no levels:
all-mpnet-base-v2 drops from dev macro-F1 0.74 to 0.31. Two variants address those layers:

* ``int8-partial`` keeps those projections in fp32 (a third of the encoder's FLOPs);
* ``int8-smooth`` quantizes them too, after moving the outliers from the activations into the
  weights (SmoothQuant, Xiao et al. 2023): ``y = (x / s) @ (W * s).T`` is the same function,
  with ``s_j = max|x_j|**a / max|W_:,j|**(1 - a)`` per input channel, ``a = 0.5``. The
  activation maxima are recorded once on training claims (``record_ffn_input_ranges``) and
  saved with the model; the division is one elementwise product per layer.

Measured on gold dev (2026-12-04): int8-partial keeps mpnet-gold at 0.739 (fp32 0.738);
int8-smooth does not rescue it (0.329; the two-seed MPNet ensemble 0.346 against fp32 0.743),
so the runs keep choosing int8-partial or fp32. It stays as a measured option, tried after
int8 and before int8-partial.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable

import numpy as np

SMOOTHING_ALPHA = 0.5


def ffn_output_layers(network) -> dict:
    """name -> Linear for the encoder's feed-forward output projections: the only encoder
    layers that project down (in_features > out_features); the classifier head excluded."""
    import torch

    return {name: module for name, module in network.named_modules()
            if isinstance(module, torch.nn.Linear) and not name.startswith("classifier")
            and module.in_features > module.out_features}


def record_ffn_input_ranges(network, run: Callable[[], None]) -> dict[str, np.ndarray]:
    """Per-channel max |input| of each feed-forward output projection while ``run()`` drives
    ``network`` forward (in fp32)."""
    layers = ffn_output_layers(network)
    maxima = {name: np.zeros(layer.in_features, dtype=np.float32) for name, layer in layers.items()}

    def observer(name):
        def hook(_module, inputs):
            values = inputs[0].detach().float().abs().reshape(-1, inputs[0].shape[-1]).amax(dim=0).cpu().numpy()
            np.maximum(maxima[name], values, out=maxima[name])
        return hook

    handles = [layer.register_forward_pre_hook(observer(name)) for name, layer in layers.items()]
    try:
        run()
    finally:
        for handle in handles:
            handle.remove()
    return maxima


def _smoothed(layer, input_max: np.ndarray):
    import torch

    class Smoothed(torch.nn.Module):
        def __init__(self, linear, scale):
            super().__init__()
            self.register_buffer("inverse_scale", 1.0 / scale)
            self.linear = linear

        def forward(self, x):
            return self.linear(x * self.inverse_scale)

    activation = torch.from_numpy(input_max).clamp(min=1e-5)
    weight = layer.weight.detach().abs().amax(dim=0).float().clamp(min=1e-5)
    scale = (activation**SMOOTHING_ALPHA / weight ** (1 - SMOOTHING_ALPHA)).clamp(min=1e-5)
    with torch.no_grad():
        layer.weight.mul_(scale.to(layer.weight.dtype))
    return Smoothed(layer, scale.to(layer.weight.dtype))


def smooth_ffn_outputs(network, ranges: dict[str, np.ndarray]):
    """A copy of ``network`` whose feed-forward output projections take smoothed inputs
    (the same function in exact arithmetic)."""
    network = copy.deepcopy(network)
    for name, layer in ffn_output_layers(network).items():
        parent, _, child = name.rpartition(".")
        setattr(network.get_submodule(parent), child, _smoothed(layer, ranges[name]))
    return network


def dynamic_int8(network, ffn_output: bool = True, ranges: dict[str, np.ndarray] | None = None):
    """An int8 copy of ``network``'s encoder Linear layers (the classifier head stays fp32: cheap,
    and quantizing it costs accuracy for no speed). ``ffn_output=False`` keeps the feed-forward
    output projections fp32; ``ranges`` smooths them first."""
    import torch

    if ranges is not None:
        network = smooth_ffn_outputs(network, ranges)
    keep_fp32 = set() if ffn_output else set(ffn_output_layers(network))
    linears = {name for name, module in network.named_modules()
               if isinstance(module, torch.nn.Linear) and not name.startswith("classifier") and name not in keep_fp32}
    with warnings.catch_warnings():
        # torch 2.13 announces the removal of its quantized tensors "in a future release"; the
        # path is measured and tested on the pinned torch, and a user should not see this per call
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor", category=UserWarning)
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization.*deprecated", category=DeprecationWarning)
        return torch.ao.quantization.quantize_dynamic(network, linears, dtype=torch.qint8)
