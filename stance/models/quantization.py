"""int8 inference of a transformer encoder on the CPU, batch-invariant.

``Int8Linear`` replaces an encoder Linear layer: weights quantized once per output channel,
inputs per row (token) as they come, the product exact in int32 (``torch._int_mm``: VNNI on
x86). Because each token has its own scale, a claim's result does not depend on the other claims
in its batch or on padding, beyond float rounding (fp32 products differ by ~1e-6 between batch
shapes, which can move an int8 rounding step: 0 to 1 labels in 1,865 in ``make bench``).
PyTorch's dynamic int8 (``quantize_dynamic``, what this module used before 2026-12-05) has one
scale per batch tensor: measured on mpnet-gold, 117 of 3,066 dev labels changed when each
article was predicted on its own instead of in 128-claim batches.

The inputs of the feed-forward output projections (GELU activations) carry a few channels far
larger than the rest (in mpnet-gold's layers 6-10 a handful of the 3,072 reach 30-100 against
a median channel maximum near 2). Two variants keep them from taking the other channels' levels:

* ``int8-partial`` keeps those projections in fp32 (a third of the encoder's FLOPs);
* ``int8-outlier`` quantizes them too, after taking the outlier channels out (LLM.int8(),
  Dettmers et al. 2022): input channels whose maximum over training claims exceeds
  ``OUTLIER_THRESHOLD`` are multiplied in fp32, the others in int8, and the two products are
  added. The channel maxima are recorded once on training claims (``record_ffn_input_ranges``)
  and saved with the model; 57 of mpnet-gold's 36,864 channels are outliers.

Measured for mpnet-gold (2026-12-05, gold dev macro-F1; per-token scales): fp32 0.738, int8
0.738, int8-partial 0.743, int8-outlier 0.740; each the same whether dev is predicted in
128-claim batches or one article per call (0 labels differ). With one scale per batch tensor,
all-layer int8 had scored 0.306: per-token scales are what make the plain path usable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import torch

# An input channel whose maximum |activation| on training claims exceeds this is computed in fp32.
# With it a token's int8 inputs there keep a range of at most 8 (a step of 8/127); for mpnet-gold it
# makes 0.15% of the feed-forward output channels outliers (LLM.int8() uses 6 for larger models).
OUTLIER_THRESHOLD = 8.0

_TINY = 1e-12  # floor of a scale: an all-zero row or weight channel quantizes to zeros, not NaN


def ffn_output_layers(network) -> dict:
    """name -> Linear for the encoder's feed-forward output projections: the only encoder
    layers that project down (in_features > out_features); the classifier head excluded."""
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


class OutlierSplitLinear(torch.nn.Module):
    """``linear`` with its ``outliers`` input channels computed apart: ``linear`` (to be quantized)
    sees zeros there and the outlier part is an fp32 product added back. The same function in
    exact arithmetic."""

    def __init__(self, linear: torch.nn.Linear, outliers: np.ndarray):
        super().__init__()
        self.register_buffer("outliers", torch.as_tensor(outliers, dtype=torch.long))
        self.register_buffer("outlier_weight", linear.weight.detach()[:, self.outliers].t().contiguous())
        with torch.no_grad():
            linear.weight[:, self.outliers] = 0  # nothing reaches them; zero keeps the weight range honest
        self.linear = linear

    def forward(self, x):
        # x is the feed-forward activation, read by this layer only: zeroing its outlier channels in
        # place touches k columns, where a zeroed copy would write all 3,072 (17% slower end to end)
        outlier_part = x.index_select(-1, self.outliers)
        y = self.linear(x.index_fill_(-1, self.outliers, 0.0))
        y.view(-1, y.shape[-1]).addmm_(outlier_part.view(-1, outlier_part.shape[-1]), self.outlier_weight)
        return y


def split_outlier_channels(network, ranges: dict[str, np.ndarray], threshold: float = OUTLIER_THRESHOLD):
    """A copy of ``network`` whose feed-forward output projections compute the input channels
    whose recorded maximum exceeds ``threshold`` apart (``OutlierSplitLinear``)."""
    network = copy.deepcopy(network)
    for name, layer in ffn_output_layers(network).items():
        parent, _, child = name.rpartition(".")
        outliers = np.flatnonzero(ranges[name] > threshold)
        if len(outliers):
            setattr(network.get_submodule(parent), child, OutlierSplitLinear(layer, outliers))
    return network


class Int8Linear(torch.nn.Module):
    """``linear`` computed in int8: weights quantized once per output channel, inputs per row (token)
    as they come, the integer product exact in int32 (``torch._int_mm``). A token's scale depends on
    that token alone, so the other claims in a batch do not move a claim's result (one scale per
    batch tensor, PyTorch's dynamic int8, made them move it)."""

    def __init__(self, linear: torch.nn.Linear):
        super().__init__()
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1).clamp(min=_TINY) / 127
        self.register_buffer("weight_int8", (weight / scale[:, None]).round().to(torch.int8).t().contiguous())
        self.register_buffer("weight_scale", scale)
        self.register_buffer("bias", None if linear.bias is None else linear.bias.detach().float().clone())
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x):
        rows = x.reshape(-1, self.in_features)
        scale = rows.abs().amax(dim=1, keepdim=True).clamp_(min=_TINY).div_(127)
        quantized = (rows / scale).round_().to(torch.int8)  # |values| <= 127 by construction of scale
        y = torch._int_mm(quantized, self.weight_int8).to(torch.float32).mul_(scale).mul_(self.weight_scale)
        if self.bias is not None:
            y.add_(self.bias)
        return y.view(*x.shape[:-1], self.out_features)


def int8_copy(network, ffn_output: bool = True, outlier_ranges: dict[str, np.ndarray] | None = None):
    """A copy of ``network`` whose encoder Linear layers are ``Int8Linear`` (the classifier head stays
    fp32: cheap, and quantizing it costs accuracy for no speed). ``ffn_output=False`` keeps the
    feed-forward output projections fp32; ``outlier_ranges`` splits their outlier channels off first."""
    network = split_outlier_channels(network, outlier_ranges) if outlier_ranges is not None else copy.deepcopy(network)
    keep_fp32 = set() if ffn_output else set(ffn_output_layers(network))
    targets = [name for name, module in network.named_modules()
               if isinstance(module, torch.nn.Linear) and not name.startswith("classifier") and name not in keep_fp32]
    for name in targets:
        parent, _, child = name.rpartition(".")
        setattr(network.get_submodule(parent), child, Int8Linear(network.get_submodule(name)))
    return network
