"""The checks of notebook 02 · The LSTM model: `from lstm_helpers.exercises import nb02 as check`."""

from __future__ import annotations

import torch
from torch import nn

from lstm_helpers.exercises._result import (
    Result,
    as_shape,
    is_number,
    not_a_shape,
    report,
    right,
    unanswered,
    wrong,
)
from lstm_helpers.models import LSTMPredictor, count_parameters
from lstm_helpers.runtime import eval_mode

__all__ = ["lstm_output_shapes", "lstm_parameters", "output_gate", "predictor"]


def lstm_parameters(
    answer: object, *, input_size: int, hidden_size: int, num_layers: int
) -> Result:
    """Check a parameter count for `nn.LSTM(input_size, hidden_size, num_layers)`."""
    if (r := unanswered(answer)) is not None:
        return r
    with torch.random.fork_rng():  # the random init leaves the RNG untouched
        lstm = nn.LSTM(input_size, hidden_size, num_layers)
    expected = count_parameters(lstm)
    if not is_number(answer):
        return wrong("give the count as a whole number.")
    if answer == expected:
        return right(
            f"{expected} parameters in nn.LSTM({input_size}, {hidden_size}, num_layers={num_layers})."
        )

    f, h, layers = input_size, hidden_size, num_layers

    def count(gates=4, biases=2, upper_in=h, layers=layers, head=0):
        ins = [f] + [upper_in] * (layers - 1)
        return sum(gates * (i * h + h * h + biases * h) for i in ins) + head

    mistakes = [
        (
            count(biases=1),
            "PyTorch keeps two bias vectors per layer, b_ih and b_hh (both 4·H long).",
        ),
        (count(biases=0), "don't forget the biases: two vectors per gate and layer."),
        (
            count(upper_in=f),
            "layers above the first read the hidden state of the layer below, "
            "so their input size is hidden_size, not input_size.",
        ),
        (count(gates=1), "each of the four gates (i, f, g, o) has its own weights and biases."),
        (count(layers=1), "count every layer: each has its own weights."),
        (count(head=h + 1), "count only nn.LSTM: the linear head is a separate module."),
    ]
    for value, hint in mistakes:
        if answer == value and value != expected:
            return wrong(hint)
    return wrong(
        "per layer: 4 gates x (input weights + recurrent weights + 2 biases); "
        "check each term's shape with the layer's input size."
    )


def lstm_output_shapes(
    output_shape: object,
    h_n_shape: object,
    c_n_shape: object,
    *,
    batch: int,
    seq_len: int,
    hidden_size: int,
    num_layers: int,
    input_size: int = 1,
    bidirectional: bool = False,
) -> Result:
    """Check the shapes of `output, (h_n, c_n)` of a `batch_first=True` nn.LSTM."""
    if (r := unanswered(output_shape, h_n_shape, c_n_shape)) is not None:
        return r
    with torch.no_grad(), torch.random.fork_rng():  # the random init leaves the RNG untouched
        lstm = nn.LSTM(
            input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional
        )
        out, (h_n, c_n) = lstm(torch.zeros(batch, seq_len, input_size))
    b, t, h, n = batch, seq_len, hidden_size, num_layers
    d = 2 if bidirectional else 1
    lines = []
    s = as_shape(output_shape)
    if s is None:
        lines.append(not_a_shape("output", output_shape))
    elif s == out.shape:
        lines.append(
            (
                True,
                "output: the top layer's hidden state at every step"
                + (", both directions side by side." if bidirectional else "."),
            )
        )
    elif bidirectional and s == (b, t, h):
        lines.append(
            (False, "output: each step holds both directions' hidden states, side by side.")
        )
    elif s in ((t, b, h), (t, b, d * h)):
        lines.append(
            (False, "output: with batch_first=True the output is batch first, like the input.")
        )
    elif s in ((b, t, n * h), (n, b, t, h), (b, n, t, h)):
        lines.append(
            (
                False,
                "output holds only the top layer: the lower layers' states feed the next layer and are not returned.",
            )
        )
    elif s in ((b, h), (n, b, h), (1, b, h)):
        lines.append((False, "output holds a hidden state for every step, not only the last one."))
    else:
        lines.append((False, "output: (batch, steps, features of the top layer's hidden state)."))
    for name, answer, ref in (("h_n", h_n_shape, h_n), ("c_n", c_n_shape, c_n)):
        s = as_shape(answer)
        if s is None:
            lines.append(not_a_shape(name, answer))
        elif s == ref.shape:
            lines.append(
                (
                    True,
                    f"{name}: the final {'hidden' if name == 'h_n' else 'cell'} state of every layer"
                    + (" and direction." if bidirectional else "."),
                )
            )
        elif bidirectional and s == (n, b, h):
            lines.append((False, f"{name} holds one final state per layer and direction."))
        elif s in ((b, n, h), (b, d * n, h)):
            lines.append(
                (
                    False,
                    f"{name}: batch_first does not apply to the states; they are always layers first.",
                )
            )
        elif s in ((b, h), (1, b, h)) and n * d > 1:
            lines.append(
                (
                    False,
                    f"{name} holds one final state per layer{' and direction' if d > 1 else ''}.",
                )
            )
        elif len(s) == 4 or (len(s) == 3 and t in s):
            lines.append((False, f"{name} holds only the final step's state."))
        else:
            lines.append(
                (False, f"{name}: (layers{' x directions' if d > 1 else ''}, batch, hidden_size).")
            )
    return report(lines)


def output_gate(lstm: nn.LSTM, x: torch.Tensor, answer: object) -> Result:
    """Check the output gate o_T at the last step of a 1-layer batch-first `lstm` on `x`.

    The checker computes o_T from the weights; the learner recovers it from h_n and c_n.
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not isinstance(answer, torch.Tensor):
        return wrong("give the gate as a tensor of shape (batch, hidden_size).")
    with torch.no_grad():
        _, (h_n, c_n) = lstm(x)
        h_n, c_n = h_n[-1], c_n[-1]  # (B, H)
        _, (h_prev, _) = lstm(x[:, :-1])  # the state before the last step
        w_io = lstm.weight_ih_l0.chunk(4)[3]
        w_ho = lstm.weight_hh_l0.chunk(4)[3]
        b_o = (lstm.bias_ih_l0 + lstm.bias_hh_l0).chunk(4)[3]
        expected = torch.sigmoid(x[:, -1] @ w_io.T + h_prev[-1] @ w_ho.T + b_o)  # (B, H)
        got = answer.detach()
    if got.shape != expected.shape and got.numel() == expected.numel() and got.dim() == 3:
        got = got.reshape(expected.shape)  # accept (1, B, H)
    if got.shape != expected.shape:
        return wrong(
            f"shape {tuple(got.shape)}: one gate value per window and hidden unit, like h_n[-1]."
        )
    mask = torch.tanh(c_n).abs() > 1e-2  # h / tanh(c) is ill-conditioned where c is near 0
    if torch.allclose(got[mask], expected[mask], rtol=1e-3, atol=1e-5):
        return right(
            "o_T = h_T / tanh(c_T): every value equals the output gate computed from the weights.",
            "all between 0 and 1, as a sigmoid gate must be.",
        )
    with torch.no_grad():
        no_tanh = h_n / c_n
    if torch.allclose(got[mask], no_tanh[mask], rtol=1e-3, atol=1e-5):
        return wrong("look again at the last equation: h is o times a squashed c.")
    if got.min() < 0 or got.max() > 1:
        return wrong(
            "a gate is a sigmoid, so every value lies between 0 and 1; solve h_t = o_t ⊙ tanh(c_t) for o_t."
        )
    return wrong(
        "solve h_t = o_t ⊙ tanh(c_t) for o_t, element by element, with the last layer's h_n and c_n."
    )


def _layers_of(model: nn.Module) -> tuple[list[nn.LSTM], list[nn.Linear]]:
    """The nn.LSTM and nn.Linear modules inside a model."""
    modules = list(model.modules())
    return [m for m in modules if isinstance(m, nn.LSTM)], [
        m for m in modules if isinstance(m, nn.Linear)
    ]


def _layer_sizes(
    lstm: nn.LSTM,
    fc: nn.Linear,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    output_size: int,
) -> list[tuple[bool, str]]:
    """One (ok, message) line per size the task fixes, with a hint where it is wrong."""
    return [
        (
            lstm.input_size == input_size,
            "nn.LSTM's input_size: the number of features per step."
            if lstm.input_size != input_size
            else "nn.LSTM reads the right number of features per step.",
        ),
        (
            lstm.hidden_size == hidden_size and lstm.num_layers == num_layers,
            "nn.LSTM has the units and layers the task asks for."
            if lstm.hidden_size == hidden_size and lstm.num_layers == num_layers
            else "nn.LSTM's hidden_size (units per layer) and num_layers: read the task again.",
        ),
        (
            bool(lstm.batch_first),
            "batch_first=True: windows come as (batch, steps, features)."
            if lstm.batch_first
            else "the windows come as (batch, steps, features): tell nn.LSTM so when you build it.",
        ),
        (
            fc.in_features == hidden_size and fc.out_features == output_size,
            "nn.Linear maps a hidden state to the outputs."
            if fc.in_features == hidden_size and fc.out_features == output_size
            else "nn.Linear reads one hidden state (hidden_size numbers) and returns output_size values.",
        ),
    ]


def predictor(
    model: object, *, input_size: int, hidden_size: int, num_layers: int, output_size: int
) -> Result:
    """Check a learner's model: nn.LSTM (batch_first) + nn.Linear, read at the last step.

    The checker builds `LSTMPredictor(input_size, hidden_size, num_layers, output_size)` with
    the learner's weights and compares both models' outputs on the same windows, with and
    without a starting state. The model's train/eval mode and the global RNG are left alone.
    """
    if (r := unanswered(model)) is not None:
        return r
    if isinstance(model, type):
        return wrong("pass an instance of your class (call it: MyClass()), not the class itself.")
    if not isinstance(model, nn.Module):
        return wrong("pass your model: an instance of your nn.Module class.")
    lstms, linears = _layers_of(model)
    if len(lstms) != 1 or len(linears) != 1:
        return wrong(
            "the model holds one nn.LSTM (several layers are one module: num_layers) and one "
            "nn.Linear, created in __init__ and stored as attributes of self."
        )
    lstm, fc = lstms[0], linears[0]
    lines = _layer_sizes(lstm, fc, input_size, hidden_size, num_layers, output_size)
    if not all(ok for ok, _ in lines):
        return report(lines)
    generator = torch.Generator().manual_seed(
        0
    )  # the checker's own RNG: the global one is untouched
    x = torch.randn(5, 7, input_size, generator=generator)  # (B, T, F)
    state = tuple(torch.randn(num_layers, 5, hidden_size, generator=generator) for _ in range(2))
    with torch.random.fork_rng():
        reference = LSTMPredictor(input_size, hidden_size, num_layers, output_size, dropout=0.0)
    reference.lstm.load_state_dict(lstm.state_dict())
    reference.fc.load_state_dict(fc.state_dict())
    with eval_mode(model), eval_mode(reference), torch.no_grad():
        try:
            got, got_state = model(x), model(x, state)
        except Exception as err:  # the learner's code may raise anything
            return wrong(
                f"calling the model on (batch, steps, features) windows raised "
                f"{type(err).__name__}: {err}"
            )
        expected, (h_n, c_n) = reference(x)
        expected_state, _ = reference(x, state)
        out, _ = reference.lstm(x)  # (B, T, H)
    return report(
        [*lines, *_behaviour(got, got_state, expected, expected_state, out, fc, h_n, c_n)]
    )


def _behaviour(
    got, got_state, expected, expected_state, out, fc, h_n, c_n
) -> list[tuple[bool, str]]:
    """The lines on what forward returns: the last step's prediction, the state, hidden=."""
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], torch.Tensor)):
        return [(False, "forward returns a pair (prediction, hidden), like every model here.")]
    prediction, hidden = got
    if prediction.shape != expected.shape:
        if prediction.shape == out.shape[:2] + expected.shape[1:]:
            return [(False, "that is a prediction at every step; read only the last one.")]
        return [(False, "the prediction has one row of output_size values per window.")]
    lines = []
    if torch.allclose(prediction, expected, atol=1e-6):
        lines.append(
            (
                True,
                "the prediction equals LSTMPredictor's with the same weights: the "
                "linear layer applied to the last step.",
            )
        )
    elif torch.allclose(prediction, fc(out[:, 0]), atol=1e-6):
        lines.append((False, "that reads the first step; the last one has read the whole window."))
    else:
        lines.append(
            (
                False,
                "the prediction is the linear layer applied to the LSTM's output at the last step.",
            )
        )
    ok_hidden = (
        isinstance(hidden, tuple)
        and len(hidden) == 2
        and all(isinstance(t, torch.Tensor) and t.shape == h_n.shape for t in hidden)
        and torch.allclose(hidden[0], h_n, atol=1e-6)
        and torch.allclose(hidden[1], c_n, atol=1e-6)
    )
    lines.append(
        (
            ok_hidden,
            "hidden is the LSTM's final (h_n, c_n)."
            if ok_hidden
            else "return the LSTM's final state (h_n, c_n) as hidden, so a caller can go on.",
        )
    )
    passed_on = isinstance(got_state, tuple) and torch.allclose(
        got_state[0], expected_state, atol=1e-6
    )
    lines.append(
        (
            passed_on,
            "a given hidden is where the LSTM starts; None means zeros."
            if passed_on
            else "pass `hidden` on to the LSTM: None means zero states, a "
            "given (h, c) is where to start.",
        )
    )
    return lines
