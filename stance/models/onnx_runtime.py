"""ONNX Runtime inference for a fine-tuned transformer classifier (optional: ``pip install -e ".[onnx]"``).

The network (encoder + head) is exported with PyTorch's dynamo exporter (dynamic batch and
sequence length; the older TorchScript exporter mis-traces the attention mask of current
transformers) and run on the CPU by ONNX Runtime, in fp32 or with dynamic int8
quantization of the MatMul weights (``onnxruntime.quantization``). It is a drop-in for the
PyTorch network in ``TransformerModel``: called with the tokenizer's padded batch, it
returns an object with ``.logits``.

ONNX Runtime's dynamic int8 quantizes each MatMul input with one scale per tensor, so ``onnx-int8``
gives a claim results that depend on the other claims of its batch (the PyTorch int8 paths use
per-token scales and do not); it is never chosen as a model's default path.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance.errors import StanceError

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass
class _Output:
    logits: object


def export(network, directory: Path) -> Path:
    """Write ``directory/model.onnx`` for ``network`` (a sequence-classification model)."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    example = {name: torch.ones((2, 8), dtype=torch.long) for name in INPUTS}
    batch, length = torch.export.Dim("batch"), torch.export.Dim("length")
    path = directory / "model.onnx"
    network = network.to("cpu").eval()
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)
    try:  # the exporter narrates every step on stdout and warns about unrelated operators
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            torch.onnx.export(Logits(network), tuple(example[n] for n in INPUTS), str(path), input_names=list(INPUTS),
                              output_names=["logits"], dynamic_shapes={n: {0: batch, 1: length} for n in INPUTS},
                              opset_version=18, dynamo=True, verbose=False)
    finally:
        exporter_log.setLevel(level)
    return path


def quantize(path: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = path.with_name("model.int8.onnx")
    quantize_dynamic(str(path), str(target), weight_type=QuantType.QInt8)
    return target


class OnnxNetwork:
    """``network(**batch).logits`` on ONNX Runtime; owns the directory holding its model file."""

    def __init__(self, network, int8: bool):
        try:
            import onnxruntime
        except ImportError:
            raise StanceError("the ONNX runtime path needs onnxruntime, onnx and onnxscript: "
                              'pip install -e ".[onnx]"') from None
        self._directory = tempfile.TemporaryDirectory(prefix="stance-onnx-")
        path = export(network, Path(self._directory.name))
        if int8:
            path = quantize(path)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("STANCE_ONNX_THREADS", "0"))  # 0: all cores
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, **batch):
        import torch

        feeds = {name: batch[name].cpu().numpy().astype(np.int64) for name in INPUTS if name in batch}
        if "token_type_ids" not in feeds:
            feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
        return _Output(torch.from_numpy(self.session.run(["logits"], feeds)[0]))
