"""Dynamic int8 quantization of a transformer encoder for CPU inference.

PyTorch's dynamic int8 quantizes each Linear layer's input per tensor, batch by batch (7-bit
on x86: fbgemm's ``reduce_range``), and by default its weights per tensor. The inputs of the
feed-forward output projections (GELU activations) carry a few channels far larger than the
rest: in mpnet-gold's layers 6-10 a handful of the 3,072 channels reach 30-100 against a median
channel maximum near 2, so one scale per tensor leaves the other channels almost no levels and
all-mpnet-base-v2 drops from dev macro-F1 0.74 to 0.31. Two variants address those layers:

* ``int8-partial`` keeps those projections in fp32 (a third of the encoder's FLOPs);
* ``int8-outlier`` quantizes them too, after taking the outlier channels out (LLM.int8(),
  Dettmers et al. 2022): input channels whose maximum over training claims exceeds
  ``OUTLIER_THRESHOLD`` are multiplied in fp32, the others in int8, and the two products are
  added. The channel maxima are recorded once on training claims (``record_ffn_input_ranges``)
  and saved with the model; 57 of mpnet-gold's 36,864 channels are outliers. All int8 weights
  of this path are quantized per output channel.

Measured for mpnet-gold (2026-12-04; dev macro-F1 on gold dev, speed end to end against fp32 in
``make bench``): fp32 0.738; int8 0.306 (2.6x); int8-partial 0.739 (1.7x); int8-outlier 0.743
(2.8x). An earlier variant that smoothed those inputs instead (SmoothQuant, a = 0.5) measured
0.329 and was removed.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable

import numpy as np
import torch

# An input channel whose maximum |activation| on training claims exceeds this is computed in fp32.
# With it the int8 inputs keep a range of at most 8, a step of 8/127 at 7 bits; for mpnet-gold it
# makes 0.15% of the feed-forward output channels outliers (LLM.int8() uses 6 for larger models).
OUTLIER_THRESHOLD = 8.0


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


def dynamic_int8(network, ffn_output: bool = True, outlier_ranges: dict[str, np.ndarray] | None = None):
    """An int8 copy of ``network``'s encoder Linear layers (the classifier head stays fp32: cheap,
    and quantizing it costs accuracy for no speed). ``ffn_output=False`` keeps the feed-forward
    output projections fp32; ``outlier_ranges`` splits their outlier channels off first and
    quantizes every weight per output channel."""
    if outlier_ranges is not None:
        network = split_outlier_channels(network, outlier_ranges)
    keep_fp32 = set() if ffn_output else set(ffn_output_layers(network))
    qconfig = (torch.ao.quantization.per_channel_dynamic_qconfig if outlier_ranges is not None
               else torch.ao.quantization.default_dynamic_qconfig)
    linears = {name: qconfig for name, module in network.named_modules()
               if isinstance(module, torch.nn.Linear) and not name.startswith("classifier") and name not in keep_fp32}
    with warnings.catch_warnings():
        # torch 2.13 announces the removal of its quantized tensors "in a future release"; the
        # path is measured and tested on the pinned torch, and a user should not see this per call
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor", category=UserWarning)
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization.*deprecated", category=DeprecationWarning)
        return torch.ao.quantization.quantize_dynamic(network, linears, dtype=torch.qint8)
