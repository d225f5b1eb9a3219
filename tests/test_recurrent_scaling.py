"""scale_recurrent_weights: which weights it scales, what it refuses, and what it does to gradients."""

import math

import pytest
import torch

import lstm_helpers as lh
from lstm_helpers.introspection import gradient_profile, scale_recurrent_weights


@pytest.mark.parametrize("make", [lh.RNNPredictor, lh.LSTMPredictor, lh.ScratchLSTMPredictor])
def test_scales_every_recurrent_matrix_and_nothing_else(make):
    torch.manual_seed(0)
    model = make(num_layers=2)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    assert scale_recurrent_weights(model, 3.0) is model
    scaled = [name for name in before if ".weight_hh_l" in name]
    assert len(scaled) == 2
    for name, p in model.named_parameters():
        expected = before[name] * 3.0 if name in scaled else before[name]
        torch.testing.assert_close(p.detach(), expected, rtol=0, atol=0)


def test_zero_cuts_the_h_path():
    torch.manual_seed(0)
    model = scale_recurrent_weights(lh.LSTMPredictor(num_layers=1), 0)
    assert not model.lstm.weight_hh_l0.any()


@pytest.mark.parametrize("factor", [math.nan, math.inf, "2", True, None])
def test_refuses_a_factor_that_is_not_a_finite_number(factor):
    with pytest.raises(ValueError, match="finite number"):
        scale_recurrent_weights(lh.RNNPredictor(), factor)


def test_refuses_a_model_without_recurrent_weights():
    with pytest.raises(ValueError, match="no recurrent weights"):
        scale_recurrent_weights(torch.nn.Linear(3, 1), 2.0)


def test_large_recurrent_weights_make_an_rnn_gradient_grow_backwards():
    x = lh.sine_data(lh.DataConfig(seq_length=60)).split.train[0][:8]  # (8, 60, 1)
    seeds = range(2)
    plain = gradient_profile(lh.RNNPredictor, x, seeds)
    large = gradient_profile(lambda: scale_recurrent_weights(lh.RNNPredictor(), 4.0), x, seeds)
    assert plain[0] < 1e-6 * plain[-1]  # at PyTorch's initialisation: vanishes
    assert large[0] > 1e3 * large[-1]  # four times larger W_hh: explodes backwards in time
