import pytest
import torch
from torch import nn

import lstm_helpers as lh
from tests.tutorial_reference import TutorialLSTMPredictor


@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_output_and_state_shapes(num_layers):
    model = lh.LSTMPredictor(input_size=3, hidden_size=7, num_layers=num_layers, output_size=2)
    pred, (h_n, c_n) = model(torch.randn(5, 11, 3))
    assert pred.shape == (5, 2)
    assert h_n.shape == c_n.shape == (num_layers, 5, 7)


def test_tutorial_state_dict_loads_unchanged_with_identical_outputs():
    torch.manual_seed(1)
    tutorial = TutorialLSTMPredictor().eval()
    ours = lh.LSTMPredictor().eval()
    assert list(ours.state_dict()) == list(tutorial.state_dict())  # lstm.*, fc.* in order
    ours.load_state_dict(tutorial.state_dict())  # strict: same names and shapes
    x = torch.randn(8, 50, 1)
    (p_ref, (h_ref, c_ref)), (p, (h, c)) = tutorial(x), ours(x)
    assert torch.equal(p, p_ref) and torch.equal(h, h_ref) and torch.equal(c, c_ref)


def test_defaults_are_the_tutorials():
    model = lh.LSTMPredictor()
    assert (model.lstm.input_size, model.lstm.hidden_size, model.lstm.num_layers) == (1, 50, 2)
    assert model.lstm.batch_first and model.lstm.dropout == 0.2 and model.fc.out_features == 1


def test_one_layer_turns_dropout_off_without_pytorch_warning():
    model = lh.LSTMPredictor(num_layers=1, dropout=0.5)  # filterwarnings=error would catch one
    assert model.lstm.dropout == 0.0


@pytest.mark.parametrize("input_size, hidden_size, num_layers", [(1, 50, 1), (1, 50, 2), (3, 8, 3)])
def test_parameter_count_formula(input_size, hidden_size, num_layers):
    lstm = nn.LSTM(input_size, hidden_size, num_layers)
    assert lh.lstm_parameter_count(input_size, hidden_size, num_layers) == lh.count_parameters(lstm)


def test_tutorial_model_has_31051_parameters():
    # 4*(1*50 + 50*50 + 2*50) + 4*(50*50 + 50*50 + 2*50) + (50 + 1)
    assert lh.count_parameters(lh.LSTMPredictor()) == 10600 + 20400 + 51


def test_2d_input_error_says_unsqueeze():
    model = lh.LSTMPredictor()
    with pytest.raises(
        ValueError,
        match=r"expected input of shape \(batch, seq_len, 1\).*got \(32, 50\).*unsqueeze\(-1\)",
    ):
        model(torch.randn(32, 50))


def test_time_major_input_with_wrong_last_dim_is_rejected():
    model = lh.LSTMPredictor(input_size=3)
    with pytest.raises(ValueError, match=r"got \(50, 32, 1\)"):
        model(torch.randn(50, 32, 1))


def test_features_in_dimension_1_hint_transpose():
    model = lh.LSTMPredictor(input_size=4)
    with pytest.raises(ValueError, match=r"transpose\(1, 2\)"):
        model(torch.randn(8, 4, 30))


def test_hidden_state_for_other_batch_size_is_a_clear_error():
    model = lh.LSTMPredictor()
    _, hidden = model(torch.randn(32, 10, 1))
    with pytest.raises(
        ValueError, match=r"batch has 16 windows but the state was made for 32.*drop_last=True"
    ):
        model(torch.randn(16, 10, 1), hidden)


def test_hidden_state_is_carried():
    model = lh.LSTMPredictor(num_layers=1).eval()
    x = torch.randn(2, 20, 1)
    full, _ = model(x)
    _, hidden = model(x[:, :12])
    rest, _ = model(x[:, 12:], hidden)
    torch.testing.assert_close(rest, full)


@pytest.mark.parametrize("kwargs", [{"hidden_size": 0}, {"num_layers": 0}, {"dropout": 1.5}])
def test_constructor_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError):
        lh.LSTMPredictor(**kwargs)


def test_rnn_predictor_same_interface():
    model = lh.RNNPredictor(hidden_size=6, num_layers=2)
    pred, h_n = model(torch.randn(4, 9, 1))
    assert pred.shape == (4, 1) and h_n.shape == (2, 4, 6)
    with pytest.raises(ValueError, match="unsqueeze"):
        model(torch.randn(4, 9))


@pytest.mark.parametrize("cell, cls", [("lstm", lh.LSTMPredictor), ("rnn", lh.RNNPredictor)])
def test_build_model_from_config(cell, cls):
    cfg = lh.ModelConfig(hidden_size=5, num_layers=1, cell=cell)
    model = lh.build_model(cfg)
    assert isinstance(model, cls) and model.config == cfg


@pytest.mark.parametrize(
    "make",
    [
        lambda: lh.LSTMPredictor(hidden_size=4, num_layers=2),
        lambda: lh.ScratchLSTMPredictor(hidden_size=4, num_layers=2),
        lambda: nn.LSTM(1, 4, num_layers=2, batch_first=True),
        lambda: lh.ScratchLSTM(1, 4, num_layers=2),
    ],
    ids=["LSTMPredictor", "ScratchLSTMPredictor", "nn.LSTM", "ScratchLSTM"],
)
def test_with_forget_bias_changes_only_the_forget_rows_of_bias_ih(make):
    model = make()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    assert lh.with_forget_bias(model, 1.5) is model  # in place, returned for chaining
    for name, value in model.state_dict().items():
        change = value - before[name]
        if "bias_ih_l" in name:
            assert torch.all(change[4:8] == 1.5)  # H = 4: rows H..2H, the forget gate
            assert torch.all(change[:4] == 0) and torch.all(change[8:] == 0)
        else:
            assert torch.all(change == 0), name


def test_with_forget_bias_moves_the_forget_gate_of_nn_lstm():
    lstm = nn.LSTM(1, 3, batch_first=True)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()  # every gate pre-activation is 0: every gate 0.5
    lh.with_forget_bias(lstm, 2.0)
    gates = lh.ScratchLSTM.from_torch(lstm).trace(torch.zeros(1, 2, 1))
    torch.testing.assert_close(gates.f[0], torch.sigmoid(torch.full((1, 2, 3), 2.0)))
    torch.testing.assert_close(gates.i[0], torch.full((1, 2, 3), 0.5))


def test_with_forget_bias_covers_both_directions_and_rejects_non_lstms():
    bi = nn.LSTM(1, 2, bidirectional=True)
    before = bi.bias_ih_l0_reverse.clone()
    lh.with_forget_bias(bi, 1.0)
    torch.testing.assert_close(
        bi.bias_ih_l0_reverse - before, torch.tensor([0, 0, 1, 1, 0, 0, 0, 0.0])
    )
    for model in (lh.RNNPredictor(), nn.GRU(1, 2), nn.Linear(2, 2), nn.LSTM(1, 2, bias=False)):
        with pytest.raises(ValueError, match="no forget gate"):
            lh.with_forget_bias(model, 1.0)
