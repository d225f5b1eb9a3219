"""ScratchLSTM against torch.nn.LSTM: same outputs, states and gradients with copied weights."""

import random

import pytest
import torch
from torch import nn

import lstm_helpers as lh
from lstm_helpers.models import ScratchLSTMPredictor
from lstm_helpers.scratch import GATES, ScratchLSTM, lstm_step


def _configs(n: int = 30, seed: int = 3) -> list[tuple[int, int, int, int, int, bool]]:
    """A seeded random sample of (batch, seq_len, input_size, hidden_size, layers, with_state),
    with the edge cases batch 1, seq_len 1, input 1, hidden 1 and 64 always included."""
    rng = random.Random(seed)
    configs = [(1, 1, 1, 1, 1, False), (1, 1, 1, 1, 3, True), (3, 5, 8, 64, 2, True)]
    while len(configs) < n:
        configs.append(
            (
                rng.choice([1, rng.randint(2, 9)]),  # batch
                rng.choice([1, rng.randint(2, 25)]),  # seq_len
                rng.randint(1, 8),  # input_size
                rng.randint(1, 64),  # hidden_size
                rng.randint(1, 3),  # num_layers
                rng.random() < 0.5,  # with an initial state
            )
        )
    return configs


@pytest.mark.parametrize(
    ("batch", "seq_len", "input_size", "hidden", "layers", "with_state"), _configs()
)
def test_equal_to_nn_lstm(batch, seq_len, input_size, hidden, layers, with_state):
    torch.manual_seed(hash((batch, seq_len, input_size, hidden, layers)) % 2**31)
    ref = nn.LSTM(input_size, hidden, layers, batch_first=True)
    scratch = ScratchLSTM.from_torch(ref)
    x = torch.randn(batch, seq_len, input_size)  # (B, T, F)
    state = None
    if with_state:
        state = (torch.randn(layers, batch, hidden), torch.randn(layers, batch, hidden))
    x_ref, x_scr = x.clone().requires_grad_(True), x.clone().requires_grad_(True)

    out_ref, (h_ref, c_ref) = ref(x_ref, state)
    out_scr, (h_scr, c_scr) = scratch(x_scr, state)
    assert out_scr.shape == (batch, seq_len, hidden)
    assert h_scr.shape == c_scr.shape == (layers, batch, hidden)
    torch.testing.assert_close(out_scr, out_ref)
    torch.testing.assert_close(h_scr, h_ref)
    torch.testing.assert_close(c_scr, c_ref)

    # A loss that reaches every output and both final states, with fixed random weights.
    w_out, w_h, w_c = torch.randn_like(out_ref), torch.randn_like(h_ref), torch.randn_like(c_ref)
    for out, h, c in ((out_ref, h_ref, c_ref), (out_scr, h_scr, c_scr)):
        ((out * w_out).sum() + (h * w_h).sum() + (c * w_c).sum()).backward()
    ref_grads = dict(ref.named_parameters())
    for name, p in scratch.named_parameters():
        torch.testing.assert_close(p.grad, ref_grads[name].grad, msg=f"gradient of {name}")
    torch.testing.assert_close(x_scr.grad, x_ref.grad)


def test_parameters_have_nn_lstm_names_and_shapes():
    ref = nn.LSTM(3, 7, 2, batch_first=True)
    scratch = ScratchLSTM(3, 7, 2)
    assert {k: v.shape for k, v in scratch.state_dict().items()} == {
        k: v.shape for k, v in ref.state_dict().items()
    }
    assert lh.count_parameters(scratch) == lh.lstm_parameter_count(3, 7, 2)


def test_init_matches_nn_lstm_range():
    scratch = ScratchLSTM(2, 16)
    bound = 16**-0.5
    for p in scratch.parameters():
        assert p.abs().max() <= bound
        assert p.std() > bound / 4  # not all zeros


def test_one_step_by_hand():
    """The equations in the module docstring, computed gate by gate, give lstm_step's result."""
    torch.manual_seed(1)
    B, F, H = 2, 3, 4
    W_ih, W_hh, b_ih, b_hh = (
        torch.randn(4 * H, F),
        torch.randn(4 * H, H),
        torch.randn(4 * H),
        torch.randn(4 * H),
    )
    x, h, c = torch.randn(B, F), torch.randn(B, H), torch.randn(B, H)
    rows = dict(zip(GATES, range(0, 4 * H, H), strict=True))  # gate -> first row of its block

    def pre(gate):
        r = slice(rows[gate], rows[gate] + H)
        return x @ W_ih[r].T + b_ih[r] + h @ W_hh[r].T + b_hh[r]

    i, f, g, o = (
        torch.sigmoid(pre("i")),
        torch.sigmoid(pre("f")),
        torch.tanh(pre("g")),
        torch.sigmoid(pre("o")),
    )
    c_new = f * c + i * g
    h_new = o * torch.tanh(c_new)
    got = lstm_step(x @ W_ih.T + b_ih + b_hh, h, c, W_hh)
    for want, value in zip((h_new, c_new, i, f, g, o), got, strict=True):
        torch.testing.assert_close(value, want)


def test_trace_shapes_and_consistency_with_forward():
    scratch = ScratchLSTM(2, 5, 3)
    x = torch.randn(4, 6, 2)
    out, (h_n, c_n) = scratch(x)  # forward always returns (output, (h_n, c_n))
    trace = scratch.trace(x)
    assert trace.num_layers == 3
    for name in "ifgoch":
        assert len(getattr(trace, name)) == 3
        assert all(t.shape == (4, 6, 5) for t in getattr(trace, name))
    torch.testing.assert_close(trace.h[-1], out)
    for k in range(3):
        torch.testing.assert_close(trace.h[k][:, -1], h_n[k])
        torch.testing.assert_close(trace.c[k][:, -1], c_n[k])
        torch.testing.assert_close(trace.h[k], trace.o[k] * torch.tanh(trace.c[k]))
    assert set(trace.layer(-1)) == set("ifgoch")
    with pytest.raises(AttributeError):
        trace.i = ()  # frozen


def test_from_torch_keeps_device_dtype_and_mode():
    ref = nn.LSTM(2, 3, 2, batch_first=True, dropout=0.5).double().eval()
    scratch = ScratchLSTM.from_torch(ref)
    assert scratch.weight_hh_l1.dtype == torch.float64
    assert not scratch.training
    assert scratch.dropout == 0.5
    x = torch.randn(2, 4, 2, dtype=torch.float64)
    torch.testing.assert_close(scratch(x)[0], ref(x)[0])
    scratch.weight_ih_l0.data.zero_()  # a copy: the original is unchanged
    assert ref.weight_ih_l0.abs().sum() > 0


def test_dropout_only_between_layers_in_train_mode():
    torch.manual_seed(0)
    scratch = ScratchLSTM(1, 8, 2, dropout=0.5)
    x = torch.randn(3, 5, 1)
    scratch.train()
    a, b = scratch(x)[0], scratch(x)[0]
    assert not torch.allclose(a, b)  # different masks
    scratch.eval()
    torch.testing.assert_close(scratch(x)[0], scratch(x)[0])
    one_layer = ScratchLSTM(1, 8, 1, dropout=0.5).train()  # nothing between layers to drop
    torch.testing.assert_close(one_layer(x)[0], one_layer(x)[0])


@pytest.mark.parametrize("bad", [dict(bidirectional=True), dict(proj_size=2), dict(bias=False)])
def test_from_torch_rejects_unsupported(bad):
    with pytest.raises(ValueError, match="unidirectional"):
        ScratchLSTM.from_torch(nn.LSTM(2, 4, **bad))


def test_from_torch_rejects_other_modules():
    with pytest.raises(ValueError, match=r"nn\.LSTM"):
        ScratchLSTM.from_torch(nn.GRU(2, 4))


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (torch.randn(4, 10), "unsqueeze"),  # missing feature dimension
        (torch.randn(4, 2, 10), "transpose"),  # features in dimension 1
        (torch.randn(10), "expected input of shape"),
        ([[0.0, 1.0]], "torch.Tensor"),
    ],
)
def test_bad_input_raises(x, match):
    scratch = ScratchLSTM(2 if match == "transpose" else 1, 3)
    with pytest.raises(ValueError, match=match):
        scratch(x)


def test_bad_state_raises():
    scratch = ScratchLSTM(1, 3, 2)
    x = torch.randn(4, 5, 1)
    with pytest.raises(ValueError, match="smaller last batch"):
        scratch(x, (torch.zeros(2, 8, 3), torch.zeros(2, 8, 3)))
    with pytest.raises(ValueError, match="tuple"):
        scratch(x, torch.zeros(2, 4, 3))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(input_size=0, hidden_size=3),
        dict(input_size=1, hidden_size=2.5),
        dict(input_size=1, hidden_size=3, num_layers=0),
        dict(input_size=1, hidden_size=3, dropout=1.0),
        dict(input_size=1, hidden_size=3, batch_first=False),
    ],
)
def test_bad_constructor_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        ScratchLSTM(**kwargs)


def test_predictor_loads_lstm_predictor_state_dict():
    torch.manual_seed(0)
    ref = lh.LSTMPredictor(1, 20, 2, 1, dropout=0.2)
    scratch = lh.build_model(lh.ModelConfig(hidden_size=20, cell="scratch_lstm"))
    assert isinstance(scratch, ScratchLSTMPredictor)
    assert isinstance(scratch.lstm, ScratchLSTM)
    assert scratch.config.cell == "scratch_lstm"
    scratch.load_state_dict(ref.state_dict())  # strict: same names and shapes
    ref.eval()
    scratch.eval()
    x = torch.randn(5, 30, 1)
    (pred_ref, (h_ref, c_ref)), (pred_scr, (h_scr, c_scr)) = ref(x), scratch(x)
    assert pred_scr.shape == (5, 1)
    torch.testing.assert_close(pred_scr, pred_ref)
    torch.testing.assert_close(h_scr, h_ref)
    torch.testing.assert_close(c_scr, c_ref)


def test_predictor_trains_with_fit():
    """A learning test: the scratch predictor learns the sine task like LSTMPredictor does."""
    lh.set_seed(0)
    data = lh.sine_data(lh.DataConfig(seq_length=10, num_points=300, batch_size=32))
    model = ScratchLSTMPredictor(hidden_size=16, num_layers=1)
    history = lh.fit(
        model, data.train_loader, lh.TrainConfig(lr=1e-2, max_epochs=15), progress=False
    )
    assert history.train_loss[-1] < history.train_loss[0] / 100
    assert history.best_loss < 1e-3


def test_checkpoint_round_trip(tmp_path):
    model = ScratchLSTMPredictor(hidden_size=8, num_layers=2).eval()
    path = lh.save_checkpoint(tmp_path / "scratch.pt", model)
    loaded, _ = lh.load_checkpoint(path)
    assert isinstance(loaded, ScratchLSTMPredictor)
    x = torch.randn(2, 6, 1)
    torch.testing.assert_close(loaded(x)[0], model(x)[0])


def _gradients(model, x, state):
    out, (h_n, c_n) = model(x, state)
    (out.square().mean() + h_n.sum() + c_n.sum()).backward()
    return {name: p.grad for name, p in model.named_parameters()}


def test_equal_gradients_in_float64_at_tutorial_size():
    """At the tutorial's size float32 rounding of 32 x 50 summed terms shows; float64 does not."""
    torch.manual_seed(0)
    ref = nn.LSTM(1, 50, 2, batch_first=True).double()
    scratch = ScratchLSTM.from_torch(ref)
    x = torch.randn(32, 50, 1, dtype=torch.float64)
    state = (
        torch.randn(2, 32, 50, dtype=torch.float64),
        torch.randn(2, 32, 50, dtype=torch.float64),
    )
    want, got = _gradients(ref, x, state), _gradients(scratch, x, state)
    for name in want:
        torch.testing.assert_close(got[name], want[name], msg=f"gradient of {name}")


def test_float32_gradients_within_float32_tolerance_of_exact():
    """ScratchLSTM's float32 gradients are as close to the float64 ones as float32 allows.

    (nn.LSTM's own float32 bias gradients are not, at this size: about 3e-6 relative off.)
    """
    torch.manual_seed(0)
    ref = nn.LSTM(1, 50, 2, batch_first=True)
    scratch = ScratchLSTM.from_torch(ref)
    exact = ScratchLSTM.from_torch(ref).double()
    x = torch.randn(8, 50, 1)
    state = (torch.randn(2, 8, 50), torch.randn(2, 8, 50))
    want = _gradients(exact, x.double(), (state[0].double(), state[1].double()))
    got = _gradients(scratch, x, state)
    for name in want:
        torch.testing.assert_close(got[name], want[name].float(), msg=f"gradient of {name}")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_equal_to_cudnn_lstm_on_cuda(monkeypatch):
    """On a GPU nn.LSTM runs cuDNN; the scratch LSTM must still match it (TF32 turned off)."""
    monkeypatch.setattr(torch.backends.cuda.matmul, "allow_tf32", False)
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    torch.manual_seed(0)
    ref = nn.LSTM(3, 40, 2, batch_first=True).cuda()
    scratch = ScratchLSTM.from_torch(ref)
    assert scratch.weight_ih_l0.is_cuda
    x = torch.randn(16, 30, 3, device="cuda")
    state = (torch.randn(2, 16, 40, device="cuda"), torch.randn(2, 16, 40, device="cuda"))
    (out_ref, (h_ref, c_ref)), (out_scr, (h_scr, c_scr)) = ref(x, state), scratch(x, state)
    torch.testing.assert_close(out_scr, out_ref)
    torch.testing.assert_close(h_scr, h_ref)
    torch.testing.assert_close(c_scr, c_ref)
    ref64 = ref.double()
    scratch64 = ScratchLSTM.from_torch(ref64)
    state64 = (state[0].double(), state[1].double())
    want, got = _gradients(ref64, x.double(), state64), _gradients(scratch64, x.double(), state64)
    for name in want:
        torch.testing.assert_close(got[name], want[name], msg=f"gradient of {name}")
