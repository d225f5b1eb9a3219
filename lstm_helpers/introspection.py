"""Looking inside trained models: how much each input step matters, and what the gates do.

`input_gradient_norms` measures the gradient that reaches each input step from the final
prediction (the quantity that vanishes in a vanilla RNN), and `gradient_profile` averages
it over freshly initialised models; `collect_gates` records every step's gate activations
and cell state of any `LSTMPredictor` by running a `ScratchLSTM` copy of its weights, and
`r_squared` measures how much of a quantity a straight line from them explains (in-sample, or
held out with `least_squares_predict`'s line fitted on other samples), and
`unit_correlations` how closely each unit follows a feature of a text (`char_states`: a
character model's states after every character; `held_cell_bits`: its bits per character
with one cell unit held fixed, an ablation). Plot them with
`plot_input_gradients` and `plot_gates`.
`scale_recurrent_weights` makes models for two experiments: a plain RNN whose gradient grows
backwards through time (explodes), and an LSTM left with only its cell-state path.
Shape legend: B batch, T time steps, F features, H hidden, L layers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import torch
from torch import nn

from lstm_helpers import _checks
from lstm_helpers._checks import as_numpy, check_input
from lstm_helpers.language import CharLSTM
from lstm_helpers.runtime import eval_mode, model_device, set_seed
from lstm_helpers.scratch import GateTrace, ScratchLSTM


def input_gradient_norms(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """How strongly the final prediction depends on each input step: a (T,) tensor.

    For each window b and step t this takes the gradient of window b's prediction, summed
    over its outputs, with respect to that window's input x[b, t] (a vector of F features),
    and its L2 norm over the features; the result is the mean of these norms over the B
    windows. For one output and one feature it is the mean over windows of |d y_b / d x_b,t|.
    The model runs in eval mode (dropout off) and is left in the mode it was in; its
    parameters' `.grad` are not touched. `x` is moved to the model's device; the result
    is on the CPU.
    Shape: x (B, T, F) -> (T,).
    """
    check_input(x, _input_size(model, x))
    x = x.detach().to(model_device(model)).requires_grad_(True)  # (B, T, F), a new leaf
    # cuDNN's RNN backward refuses eval mode; PyTorch's own kernels give the same gradient.
    with eval_mode(model), torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
        pred, _ = model(x)  # (B, T, F) -> (B, O)
        # Each window's prediction depends on its own input only, so one backward pass
        # of the sum gives every window's gradient at once.
        (grad,) = torch.autograd.grad(pred.sum(), x)  # (B, T, F)
    return grad.norm(dim=-1).mean(dim=0).cpu()  # (B, T, F) -> (B, T) -> (T,)


def gradient_profile(
    make_model: Callable[[], nn.Module], x: torch.Tensor, seeds: Iterable[int] = range(5)
) -> torch.Tensor:
    """Input gradient norms of freshly initialised models, geometric mean over `seeds`: (T,).

    For each seed, `set_seed(seed)` then `make_model()` builds a model, converted to x's
    dtype; `input_gradient_norms(model, x)` is taken and the log10 values are averaged.
    Shape: x (B, T, F) -> (T,).
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none.")
    logs = []
    for seed in seeds:
        set_seed(seed)
        model = make_model().to(dtype=x.dtype)  # float64 input: a float64 model
        logs.append(input_gradient_norms(model, x).log10())  # (T,)
    return 10 ** torch.stack(logs).mean(dim=0)  # (S, T) -> (T,)


def least_squares_predict(
    features: torch.Tensor, target: torch.Tensor, new_features: torch.Tensor
) -> torch.Tensor:
    """Predictions for `new_features` of a least-squares line fitted from features to target.

    Every element of `target` is one sample; its features are the matching trailing row of
    `features` (an intercept is added). `new_features` holds rows of the same width, for
    example held-out samples. Computed in float64.
    Shape: features (..., D) with N rows, target (...) with N elements, new_features
    (..., D) with M rows -> (M,).
    """
    features, target = torch.as_tensor(features), torch.as_tensor(target)
    new_features = torch.as_tensor(new_features)
    n = target.numel()
    if n < 2 or features.numel() % n:
        raise ValueError(
            f"features must hold a whole row per target value: got {features.numel()} feature "
            f"values for {n} targets. Shape: target (...), features (..., D)."
        )
    d = features.numel() // n
    if new_features.numel() % d or (d > 1 and new_features.shape[-1] != d):
        raise ValueError(
            f"new_features must hold rows of {d} features, like features; got shape "
            f"{tuple(new_features.shape)}."
        )

    def design(f: torch.Tensor) -> torch.Tensor:  # (..., D) -> (N, D + 1), with the intercept
        rows = f.reshape(-1, d).double()
        return torch.cat([rows, torch.ones(len(rows), 1, dtype=torch.float64)], 1)

    y = target.reshape(n, 1).double()  # (N, 1)
    weights = torch.linalg.lstsq(design(features), y).solution  # (D+1, 1)
    return (design(new_features) @ weights)[:, 0]  # (M, D+1) @ (D+1, 1) -> (M,)


def r_squared(
    features: torch.Tensor,
    target: torch.Tensor,
    fit_on: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> float:
    """Share of target's variance explained by a least-squares line from features (R²).

    Every element of `target` is one sample; its features are the matching trailing row of
    `features` (an intercept is added). Without `fit_on` the line is fitted on these samples
    (in-sample R², between 0 and 1). With `fit_on=(train_features, train_target)` it is fitted
    there and scored here: a held-out R², which is negative when the line does worse than
    predicting the mean. Computed in float64.
    Shape: target (...) with N elements, features (..., D) with N * D elements -> float.
    """
    features, target = torch.as_tensor(features), torch.as_tensor(target)
    n = target.numel()
    if n < 2 or features.numel() % n:
        raise ValueError(
            f"features must hold a whole row per target value: got {features.numel()} feature "
            f"values for {n} targets. Shape: target (...), features (..., D)."
        )
    y = target.reshape(n).double()  # (N,)
    total = (y - y.mean()).square().sum()
    if total == 0:
        raise ValueError("target is constant: R² is undefined for a target with no variance.")
    train_features, train_target = fit_on if fit_on is not None else (features, target)
    fit = least_squares_predict(train_features, train_target, features)  # (N,)
    if fit.numel() != n:
        raise ValueError(
            f"features hold {fit.numel()} rows for {n} targets: fit_on's rows must be as wide "
            "as these features."
        )
    return (1 - (y - fit).square().sum() / total).item()


def _input_size(model: nn.Module, x: torch.Tensor) -> int:
    """The model's input_size from its config, or x's last dimension if it has no config."""
    config = getattr(model, "config", None)
    size = getattr(config, "input_size", None)
    if size is not None:
        return size
    return x.size(-1) if isinstance(x, torch.Tensor) and x.dim() > 0 else 1


@torch.no_grad()
def collect_gates(predictor: nn.Module, x: torch.Tensor) -> GateTrace:
    """Every step's gates and cell state of a predictor's LSTM, in eval mode (no dropout).

    Works for any `LSTMPredictor` (its `nn.LSTM` is copied into a `ScratchLSTM`, which
    exposes the gates) and any `ScratchLSTMPredictor`; the predictor is not changed.
    `x` is moved to the model's device; the recorded tensors are on the CPU.
    Shape: x (B, T, F) -> a GateTrace of (B, T, H) tensors, one per layer for each of
    i, f, g, o, c, h.
    """
    lstm = getattr(predictor, "lstm", None)
    if isinstance(lstm, nn.LSTM):
        scratch = ScratchLSTM.from_torch(lstm)
    elif isinstance(lstm, ScratchLSTM):
        scratch = lstm
    else:
        raise ValueError(
            f"collect_gates needs a predictor with an `lstm` attribute (nn.LSTM or ScratchLSTM), "
            f"such as LSTMPredictor; got {type(predictor).__name__}."
        )
    if isinstance(x, torch.Tensor):
        x = x.to(model_device(scratch))
    with eval_mode(scratch):
        trace = scratch.trace(x)  # checks x
    return GateTrace(*(tuple(t.cpu() for t in getattr(trace, name)) for name in "ifgoch"))


def unit_correlations(
    activations: torch.Tensor | np.ndarray, feature: torch.Tensor | np.ndarray
) -> np.ndarray:
    """Pearson's r between every unit's activation and a feature of the text, over the steps.

    A unit that does not vary gets r = 0 (no information), not NaN. Choose a unit on one
    text and judge it on another: the best of hundreds of units correlates by chance too.
    Shape: activations (N, U), feature (N,) -> (U,) in [-1, 1].
    """
    a = np.asarray(as_numpy(activations), dtype=np.float64)
    f = np.asarray(as_numpy(feature), dtype=np.float64)
    if a.ndim != 2 or f.shape != (a.shape[0],) or a.shape[0] < 2:
        raise ValueError(
            f"activations must be (N, units) and feature (N,) with N >= 2, got {a.shape} and "
            f"{f.shape}."
        )
    _checks.finite("activations", a)
    _checks.finite("feature", f)
    if f.std() == 0:
        raise ValueError("feature is constant: a correlation with it is undefined.")
    a_c, f_c = a - a.mean(axis=0), f - f.mean()
    scale = np.sqrt((a_c**2).sum(axis=0) * (f_c**2).sum())  # (U,)
    r = (a_c * f_c[:, None]).sum(axis=0) / np.where(scale > 0, scale, 1.0)
    return np.where(scale > 0, r, 0.0).clip(-1.0, 1.0)


def _top_layer(
    model: CharLSTM, ids: torch.Tensor | np.ndarray, name: str
) -> tuple[torch.Tensor, ...]:
    """The top layer's input and every step's h over a text read as one stream, and its weights.

    Shape: ids (N,) -> input (N, E or H), h (N, H); weights w_ih (4H, in), w_hh (4H, H),
    bias (4H,), gate order i, f, g, o.
    """
    if not isinstance(model, CharLSTM):
        raise ValueError(f"{name} needs a CharLSTM, got {type(model).__name__}.")
    t = torch.as_tensor(ids)
    if t.dim() != 1 or len(t) == 0 or t.is_floating_point() or t.dtype == torch.bool:
        raise ValueError(
            f"ids must be a 1-D tensor of character ids, got dtype {t.dtype} and shape "
            f"{tuple(t.shape)}. Use vocab.encode(text)."
        )
    t = t.to(model_device(model), torch.int64)
    model.check(t[None], None)
    lstm, H = model.lstm, model.hidden_size
    with eval_mode(model):
        layer_input = model.embedding(t)[None]  # (1, N, E)
        for k in range(lstm.num_layers):  # each layer alone, to keep the top layer's input
            names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            weights = {f"{n}_l0": getattr(lstm, f"{n}_l{k}") for n in names}
            layer = nn.LSTM(layer_input.size(-1), H, batch_first=True).to(layer_input)
            layer.load_state_dict(weights)
            below, (layer_input, _) = layer_input, layer(layer_input)  # (1, N, H)
    bias = weights["bias_ih_l0"] + weights["bias_hh_l0"]
    return below[0], layer_input[0], weights["weight_ih_l0"], weights["weight_hh_l0"], bias


@torch.no_grad()
def char_states(
    model: CharLSTM, ids: torch.Tensor | np.ndarray
) -> tuple[torch.Tensor, torch.Tensor]:
    """The top layer's hidden and cell state after every character, read as one stream.

    nn.LSTM returns every step's h but only the last c. Knowing h[t-1], every step's gates
    come from one matrix product, and c[t] = f[t] * c[t-1] + i[t] * g[t] is then a cheap
    loop of one multiply-add per character. Runs in eval mode (no dropout). The cell states
    equal nn.LSTM's to float32 rounding.
    Shape: ids (N,) -> h (N, H) and c (N, H) on the CPU.
    """
    below, h, w_ih, w_hh, bias = _top_layer(model, ids, "char_states")  # (N, in), (N, H)
    h_before = torch.cat([h.new_zeros(1, h.size(1)), h[:-1]])  # the state each step starts from
    gates = below @ w_ih.t() + h_before @ w_hh.t() + bias  # (N, 4H), order i, f, g, o
    i, f, g, _ = gates.chunk(4, dim=1)
    written = (torch.sigmoid(i) * torch.tanh(g)).cpu().numpy()  # (N, H): i * g, what is written
    keep = torch.sigmoid(f).cpu().numpy()  # (N, H): the forget gate
    c = np.empty_like(written)
    previous = np.zeros(h.size(1), dtype=written.dtype)
    for step in range(len(c)):  # NumPy: about 10x faster than torch for such tiny steps
        previous = keep[step] * previous + written[step]  # c = f * c + i * g
        c[step] = previous
    return h.cpu(), torch.from_numpy(c)


@torch.no_grad()
def held_cell_bits(
    model: CharLSTM,
    ids: torch.Tensor | np.ndarray,
    units: Iterable[int],
    values: Iterable[float],
) -> np.ndarray:
    """`char_bits` read as one stream, once per unit, with that top-layer cell unit held fixed.

    An ablation: after every character, cell unit units[k] is set to values[k] before h is
    computed from it, so the model loses what that unit carries. Compare with `char_bits`
    to see which predictions relied on it. The K runs share one pass, as a batch. Eval mode.
    Shape: ids (N,), units (K,), values (K,) -> (K, N - 1) bits.
    """
    below, h_top, w_ih, w_hh, bias = _top_layer(model, ids, "held_cell_bits")  # (N, in), (N, H)
    hidden = h_top.size(1)
    cols = torch.as_tensor(list(units), dtype=torch.int64)
    held = torch.as_tensor(list(values), dtype=below.dtype, device=below.device)
    if cols.dim() != 1 or len(cols) == 0 or cols.shape != held.shape:
        raise ValueError(
            f"units and values must be two non-empty lists of the same length, got "
            f"{tuple(cols.shape)} and {tuple(held.shape)}."
        )
    if cols.min() < 0 or cols.max() >= hidden:
        raise ValueError(f"units must be cell units 0..{hidden - 1}, got {cols.tolist()}.")
    _checks.finite("values", held)
    t = torch.as_tensor(ids).to(below.device, torch.int64)
    k, rows, cols = len(cols), torch.arange(len(cols)), cols.to(below.device)
    gates_in = below[:-1] @ w_ih.t() + bias  # (N - 1, 4H): the input's part of every step
    h, c = below.new_zeros(k, hidden), below.new_zeros(k, hidden)  # (K, H) each
    steps = []
    for step in range(len(gates_in)):
        i, f, g, o = (gates_in[step] + h @ w_hh.t()).chunk(4, dim=1)  # (K, 4H) -> 4 x (K, H)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        c[rows, cols] = held  # the ablation
        h = torch.sigmoid(o) * torch.tanh(c)
        steps.append(h)
    logits = model.fc(torch.stack(steps, dim=1))  # (K, N - 1, H) -> (K, N - 1, V)
    nats = nn.functional.cross_entropy(
        logits.transpose(1, 2), t[1:].expand(k, -1), reduction="none"
    )  # (K, N - 1)
    return (nats.double() / math.log(2)).cpu().numpy()


def scale_recurrent_weights(model: nn.Module, factor: float) -> nn.Module:
    """Multiply every recurrent weight matrix `weight_hh_l*` by `factor`, in place; return model.

    For experiments on how far back gradients reach: a factor above 1 makes a plain RNN's
    gradient grow backwards through time (it explodes), 0 cuts every path from h_{t-1}, leaving
    an LSTM only its cell-state path. Works for nn.RNN, nn.LSTM, nn.GRU, ScratchLSTM and any
    model holding them; input weights and biases are not changed.
    Shape: every weight_hh_l{k} (G*H, H) keeps its shape.
    """
    if (
        isinstance(factor, bool)
        or not isinstance(factor, (int, float))
        or not math.isfinite(factor)
    ):
        raise ValueError(
            f"factor must be a finite number, got {factor!r}. Use 0 to cut the h paths."
        )
    recurrent = [p for name, p in model.named_parameters() if _is_recurrent_weight(name)]
    if not recurrent:
        raise ValueError(
            f"{type(model).__name__} has no recurrent weights (parameters named weight_hh_l*): "
            "pass a recurrent model such as lh.RNNPredictor() or lh.LSTMPredictor()."
        )
    with torch.no_grad():
        for weight in recurrent:
            weight.mul_(factor)
    return model


def _is_recurrent_weight(name: str) -> bool:
    """True for PyTorch's (and ScratchLSTM's) hidden-to-hidden weights, `weight_hh_l0` etc."""
    return name.rsplit(".", 1)[-1].startswith("weight_hh_l")
