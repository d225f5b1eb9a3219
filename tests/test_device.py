"""Device-agnostic code, checked on a CUDA GPU when one is present; CPU-only machines skip this."""

import pytest
import torch

import lstm_helpers as lh

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="needs a CUDA GPU (these tests prove the code is device-agnostic)",
)


def test_get_device_picks_cuda():
    assert lh.get_device().type == "cuda"


def test_fit_evaluate_predict_and_checkpoint_on_cuda(tmp_path):
    device = lh.get_device()
    data = lh.sine_data(lh.DataConfig(seq_length=20, num_points=400, train_frac=0.7, val_frac=0.1))
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=16, num_layers=2).to(device)
    cfg = lh.TrainConfig(lr=1e-2, max_epochs=15)
    history = lh.fit(model, data.train_loader, cfg, val_loader=data.val_loader, progress=False)
    assert history.val_loss[-1] < history.val_loss[0] / 20
    assert lh.evaluate(model, data.test_loader).mse < 5e-3
    X_test = data.split.test[0]  # on the CPU: predict moves batches to the model's device
    pred = lh.predict(model, X_test)
    assert pred.device.type == "cpu"
    path = lh.save_checkpoint(tmp_path / "model.pt", model)
    rebuilt, _ = lh.load_checkpoint(path)  # map_location="cpu": loads on a machine without a GPU
    assert next(rebuilt.parameters()).device.type == "cpu"
    # Same weights on two devices: cuDNN may use TF32 matmuls (about 1e-3 relative precision).
    torch.testing.assert_close(lh.predict(rebuilt, X_test), pred, rtol=1e-3, atol=1e-3)


def test_divergence_is_detected_on_cuda():
    data = lh.sine_data(lh.DataConfig(seq_length=10, num_points=200))
    model = lh.LSTMPredictor(hidden_size=8, num_layers=1).to(lh.get_device())
    cfg = lh.TrainConfig(lr=1e30, clip_norm=None, max_epochs=3)
    history = lh.fit(model, data.train_loader, cfg, on_diverge="stop", progress=False)
    assert history.stop_reason == "diverged"


def test_the_character_language_model_on_cuda():
    device = lh.get_device()
    text = "the cat sat on the mat.\nthe dog sat on the log.\n" * 8
    vocab = lh.Vocab.from_text(text)
    ids = vocab.encode(text)  # on the CPU: the helpers move what they need
    lh.set_seed(0)
    model = lh.CharLSTM(vocab_size=len(vocab), embedding_dim=8, hidden_size=32).to(device)
    for stateful in (True, False):
        history = lh.fit_char_lm(
            model, ids, ids, steps=40, batch_size=4, chunk_length=16, lr=2e-2, stateful=stateful
        )
        assert history.val_bpc[-1] < history.val_bpc[0]
    assert lh.char_bits(model, ids).shape == (len(ids) - 1,)
    assert lh.char_bits(model, ids, window=16).shape == ((len(ids) - 1) // 16 * 16,)
    greedy = lh.sample(model, vocab, "the ", 30, temperature=0)
    assert greedy == lh.sample(model, vocab, "the ", 30, temperature=0) and len(greedy) == 34
    assert len(lh.sample(model, vocab, "the ", 30, temperature=1.0, top_k=3, seed=1)) == 34
    h, c = lh.char_states(model, ids[:50])
    assert h.device.type == c.device.type == "cpu" and h.shape == c.shape == (50, 32)
