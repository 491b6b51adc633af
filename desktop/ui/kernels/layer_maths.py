"""The arithmetic the Image tab writes out: the output-size formula, and the weighted sum behind
an output pixel (followed back through pooling to the convolution output it came from)."""

from __future__ import annotations

import numpy as np

from desktop.core.convolution import (
    ConvSettings,
    WeightedSum,
    output_size,
    output_size_formula,
    padding_amounts,
    pool_output_size,
    weighted_sum_at,
)
from desktop.ui.i18n import tr

from .conv_controls import PoolSettings
from .conv_worker import ConvResult
from .tensor_view import format_value


def shape_formula(input_shape: tuple[int, int, int], kernels_shape: tuple[int, int, int, int],
                  settings: ConvSettings, pooling: PoolSettings) -> str:
    """The layer's output shape and how each size follows (rich text); ConvSettingsError if there is none."""
    h, w, c = input_shape
    filters, kh, kw = kernels_shape[:3]
    oh, ow = output_size(h, w, kh, kw, settings)
    top, bottom, left, right = padding_amounts(h, w, kh, kw, settings)
    lines = [
        tr("rows: {formula}", formula=output_size_formula(h, kh, top + bottom, settings.stride[0],
                                                          settings.dilation[0])),
        tr("columns: {formula}", formula=output_size_formula(w, kw, left + right, settings.stride[1],
                                                             settings.dilation[1])),
    ]
    shape = f"{h} × {w} × {c} → {tr('conv')} → {oh} × {ow} × {filters}"
    if pooling.enabled:
        ph, pw = pool_output_size(oh, ow, pooling.size, pooling.stride)
        lines.append((tr("max pooling:") if pooling.mode == "max" else tr("average pooling:"))
                     + f" ⌊({oh} − {pooling.size[0]}) / {pooling.stride[0]}⌋ + 1 = {ph}, "
                     f"⌊({ow} − {pooling.size[1]}) / {pooling.stride[1]}⌋ + 1 = {pw}")
        shape += f" → {tr('pool')} → {ph} × {pw} × {filters}"
    return tr("<b>Output shape</b> {shape}<br>out = ⌊(in + padding − dilation·(k − 1) − 1) / stride⌋ + 1<br>",
              shape=shape) + "<br>".join(lines)


def sum_behind(result: ConvResult, filter_index: int, row: int, col: int) -> tuple[WeightedSum, str]:
    """The weighted sum behind output pixel (``row``, ``col``), and a note on the pooling that picked it.

    With max pooling that is the convolution output the window's maximum came from; with average
    pooling the first output of the window (the note gives the mean).
    """
    job = result.job
    note = ""
    conv_row, conv_col = row, col
    if job.pooling.enabled:
        (sr, sc), (step_r, step_c) = job.pooling.size, job.pooling.stride
        window = result.conv[row * step_r:row * step_r + sr, col * step_c:col * step_c + sc, filter_index]
        if job.pooling.mode == "max":
            r, c = np.unravel_index(int(np.argmax(window)), window.shape)
            note = tr("max pooling took {value} from a {h}×{w} window. ", value=format_value(float(window.max())),
                      h=sr, w=sc)
        else:
            r, c = 0, 0
            note = tr("average pooling: the mean of {n} outputs = {value}; the first of them: ", n=window.size,
                      value=format_value(float(window.mean())))
        conv_row, conv_col = row * step_r + int(r), col * step_c + int(c)
    ws = weighted_sum_at(job.image, job.kernels, job.bias, job.settings, conv_row, conv_col, filter_index)
    return ws, note
