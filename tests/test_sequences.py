"""Per-step targets, variable-length packing, stateful training with detach, per-step rollout."""

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh

# --- per-step windows and the bidirectional leak ---------------------------------------------


def test_per_step_windows_shift_by_one():
    series = np.arange(10.0)
    X, y = lh.per_step_windows(series, seq_length=4)
    assert X.shape == y.shape == (6, 4, 1) and X.dtype == torch.float32
    torch.testing.assert_close(X[2, :, 0], torch.tensor([2.0, 3.0, 4.0, 5.0]))
    torch.testing.assert_close(y[:, :, 0], X[:, :, 0] + 1)
    with pytest.raises(ValueError, match="series length"):
        lh.per_step_windows(series, seq_length=10)


def test_per_step_model_output_at_t_depends_on_the_future_only_when_bidirectional():
    x = torch.randn(1, 8, 1)
    for bidirectional, leaks in [(False, False), (True, True)]:
        torch.manual_seed(0)
        model = lh.PerStepLSTM(hidden_size=4, bidirectional=bidirectional).eval()
        x2 = x.clone()
        x2[0, 4] += 1.0  # change step 4 only
        pred, pred2 = model(x)[0], model(x2)[0]
        assert pred.shape == (1, 8, 1)
        # Steps 0..3 come before the change: only a model that reads the future sees it there.
        assert torch.equal(pred[:, :4], pred2[:, :4]) != leaks
        assert not torch.allclose(pred[:, 4:], pred2[:, 4:])  # both see it from step 4 on


class _AddOne(nn.Module):
    """A 'per-step model' that predicts each input plus one: the rollout must count upwards."""

    def __init__(self) -> None:
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(()))
        self.seen: list[int] = []

    def forward(self, x, hidden=None):
        self.seen.append(x.size(1))
        return x + 1 + self.dummy, None


def test_rollout_per_step_feeds_predictions_back():
    model = _AddOne()
    forecast = lh.rollout_per_step(model, torch.tensor([0.0, 1.0, 2.0]), steps=4)
    torch.testing.assert_close(forecast, torch.tensor([[3.0, 4.0, 5.0, 6.0]]))
    assert model.seen == [3, 4, 5, 6]  # the history grows by its own predictions only
    model.seen.clear()
    batch = lh.rollout_per_step(model, torch.zeros(2, 5), steps=3, window=2)
    assert batch.shape == (2, 3) and model.seen == [2, 2, 2]


def test_rollout_per_step_rejects_window_models():
    model = lh.LSTMPredictor(hidden_size=4, num_layers=1)
    with pytest.raises(ValueError, match="per-step model"):
        lh.rollout_per_step(model, torch.zeros(6), steps=2)


# --- variable-length sequences ---------------------------------------------------------------


def test_pad_sequences_pads_and_reports_lengths():
    padded, lengths = lh.pad_sequences([np.ones(3), np.ones(5), np.ones(1)], value=-7.0)
    assert padded.shape == (3, 5, 1) and lengths.tolist() == [3, 5, 1]
    assert padded[0, 3:, 0].tolist() == [-7.0, -7.0] and padded[2, 1:, 0].eq(-7.0).all()
    with pytest.raises(ValueError, match="empty"):
        lh.pad_sequences([np.ones(3), np.ones(0)])
    with pytest.raises(ValueError, match="same number of features"):
        lh.pad_sequences([np.ones((3, 1)), np.ones((3, 2))])
    with pytest.raises(ValueError, match="at least one"):
        lh.pad_sequences([])


@pytest.mark.parametrize("bidirectional", [True, False])
def test_packing_gives_each_sequence_the_result_it_has_alone(bidirectional):
    torch.manual_seed(0)
    model = lh.BiLSTMClassifier(hidden_size=6, num_layers=2, bidirectional=bidirectional).eval()
    seqs = [torch.randn(n, 1) for n in (5, 12, 1, 8)]  # unsorted lengths: enforce_sorted=False
    alone = [model(s[None]) for s in seqs]
    for pad_value in (0.0, 99.0):  # the padding value must not matter at all
        padded, lengths = lh.pad_sequences(seqs, value=pad_value)
        logits, (h_n, c_n) = model(padded, lengths=lengths)
        for i, (logit_i, (h_i, c_i)) in enumerate(alone):
            torch.testing.assert_close(logits[i], logit_i[0])
            torch.testing.assert_close(h_n[:, i], h_i[:, 0])
            torch.testing.assert_close(c_n[:, i], c_i[:, 0])


def test_without_packing_padding_changes_the_result():
    torch.manual_seed(0)
    model = lh.BiLSTMClassifier(hidden_size=6).eval()
    seqs = [torch.randn(4, 1), torch.randn(9, 1)]
    padded, _ = lh.pad_sequences(seqs)
    short_alone = model(seqs[0][None])[0][0]
    assert not torch.allclose(model(padded)[0][0], short_alone)  # read 5 padding steps


def test_packing_checks_lengths():
    model = lh.BiLSTMClassifier(hidden_size=3)
    with pytest.raises(ValueError, match="lengths"):
        model(torch.zeros(2, 4, 1), lengths=torch.tensor([5, 2]))
    with pytest.raises(ValueError, match="lengths"):
        model(torch.zeros(2, 4, 1), lengths=torch.tensor([3]))


def test_last_valid_step_equals_the_packed_final_state():
    torch.manual_seed(0)
    lstm = nn.LSTM(1, 5, batch_first=True)
    padded, lengths = lh.pad_sequences([torch.randn(n, 1) for n in (3, 7, 5)])
    out, _ = lstm(padded)  # unpacked run over padding; steps before each end are still exact
    packed = nn.utils.rnn.pack_padded_sequence(
        padded, lengths, batch_first=True, enforce_sorted=False
    )
    _, (h_n, _) = lstm(packed)
    torch.testing.assert_close(lh.last_valid_step(out, lengths), h_n[-1])
    assert not torch.allclose(out[:, -1], h_n[-1])  # the padded end is the wrong step
    with pytest.raises(ValueError, match="lengths"):
        lh.last_valid_step(out, torch.tensor([0, 7, 5]))


# --- stateful training -----------------------------------------------------------------------


def test_stream_chunks_continue_each_other_row_by_row():
    series = np.arange(103.0)
    chunks = lh.stream_chunks(series, batch_size=4, chunk_length=10)
    assert all(x.shape[0] == 4 for x, _ in chunks)  # the same batch size everywhere
    assert [x.shape[1] for x, _ in chunks] == [10, 10, 5]  # 102 // 4 = 25 steps per stream
    rows = torch.cat([x for x, _ in chunks], dim=1)[:, :, 0]  # (4, 25)
    torch.testing.assert_close(rows, torch.arange(100.0).reshape(4, 25))
    targets = torch.cat([y for _, y in chunks], dim=1)[:, :, 0]
    torch.testing.assert_close(targets, rows + 1)
    with pytest.raises(ValueError, match="too short"):
        lh.stream_chunks(np.arange(3.0), batch_size=4, chunk_length=2)


def test_carrying_the_state_across_chunks_equals_one_long_pass():
    torch.manual_seed(0)
    model = lh.PerStepLSTM(hidden_size=4, num_layers=2).eval()
    chunks = lh.stream_chunks(np.sin(np.arange(200) / 5), batch_size=3, chunk_length=16)
    whole = torch.cat([x for x, _ in chunks], dim=1)
    expected, _ = model(whole)
    hidden, parts = None, []
    for x, _ in chunks:
        pred, hidden = model(x, hidden)
        parts.append(pred)
    torch.testing.assert_close(torch.cat(parts, dim=1), expected)


def test_detach_hidden_keeps_values_and_cuts_the_graph():
    h = torch.randn(2, 3, 4, requires_grad=True) * 2
    c = torch.randn(2, 3, 4, requires_grad=True) * 2
    dh, dc = lh.detach_hidden((h, c))
    assert dh.grad_fn is None and dc.grad_fn is None and not dh.requires_grad
    torch.testing.assert_close(dh, h.detach())
    assert lh.detach_hidden(None) is None
    assert lh.detach_hidden(h).grad_fn is None


def test_stateful_training_with_detach_lowers_the_loss():
    torch.manual_seed(0)
    series = lh.sine_series(800, 80)
    chunks = lh.stream_chunks(series, batch_size=8, chunk_length=20)
    model = lh.PerStepLSTM(hidden_size=16)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = lh.train_stateful(model, chunks, optimizer, epochs=6)
    assert len(losses) == 6 and all(np.isfinite(losses))
    assert losses[-1] < 0.3 * losses[0]


def test_stateful_training_without_detach_fails_on_the_second_backward():
    torch.manual_seed(0)
    chunks = lh.stream_chunks(lh.sine_series(200, 20), batch_size=4, chunk_length=10)
    model = lh.PerStepLSTM(hidden_size=4)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        lh.train_stateful(model, chunks, optimizer, detach=False)


def test_a_state_sized_for_a_full_batch_fails_clearly_on_a_smaller_last_batch():
    model = lh.LSTMPredictor(hidden_size=4, num_layers=2)
    X, y = lh.make_windows(lh.sine_series(110), seq_length=10)  # 100 windows
    hidden = (torch.zeros(2, 32, 4), torch.zeros(2, 32, 4))  # made once for batch_size=32
    batches = list(lh.make_loader(X, y, batch_size=32))
    for xb, _ in batches[:-1]:
        model(xb, hidden)
    with pytest.raises(ValueError, match="smaller last batch"):
        model(batches[-1][0], hidden)  # 100 = 3 * 32 + 4


def test_stateless_training_starts_every_chunk_from_a_zero_state():
    chunks = lh.stream_chunks(lh.sine_series(400, 40), batch_size=4, chunk_length=10)
    trained = {}
    for carry in (True, False):
        torch.manual_seed(0)
        model = lh.PerStepLSTM(hidden_size=4)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        lh.train_stateful(model, chunks, optimizer, epochs=1, carry=carry)
        trained[carry] = model
    # carry=False is exactly the loop over independent chunks, each from hidden=None
    torch.manual_seed(0)
    by_hand = lh.PerStepLSTM(hidden_size=4)
    optimizer = torch.optim.SGD(by_hand.parameters(), lr=0.1)
    for x, y in chunks:
        optimizer.zero_grad()
        nn.functional.mse_loss(by_hand(x)[0], y).backward()
        nn.utils.clip_grad_norm_(by_hand.parameters(), 1.0)
        optimizer.step()
    for a, b in zip(trained[False].parameters(), by_hand.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    carried = zip(by_hand.parameters(), trained[True].parameters(), strict=True)
    assert any(not torch.allclose(a, c) for a, c in carried)


def test_stream_errors_per_position_with_and_without_the_carried_state():
    torch.manual_seed(0)
    model = lh.PerStepLSTM(hidden_size=3, num_layers=2)
    chunks = lh.stream_chunks(
        np.sin(np.arange(95) / 3), batch_size=2, chunk_length=10
    )  # 47 per row
    whole_x = torch.cat([x for x, _ in chunks], dim=1)
    whole_y = torch.cat([y for _, y in chunks], dim=1)
    model.train()  # the mode must be restored
    with torch.no_grad(), lh.eval_mode(model):
        pred, _ = model(whole_x)  # one pass over every stream = carrying the state
    sq = ((pred - whole_y) ** 2)[:, :, 0]  # (B, 47)
    expected = torch.stack([sq[:, t::10].mean() for t in range(10)])  # positions 0..9
    torch.testing.assert_close(lh.stream_errors(model, chunks, carry=True), expected)
    assert model.training
    # carry=False: each chunk from a zero state; position 0 then equals the first step alone
    errors = lh.stream_errors(model, chunks, carry=False)
    with torch.no_grad(), lh.eval_mode(model):
        first = torch.stack([(model(x[:, :1])[0] - y[:, :1]) ** 2 for x, y in chunks]).mean()
    torch.testing.assert_close(errors[0], first)
    assert not torch.allclose(errors, expected)
    absolute = lh.stream_errors(model, chunks, loss_fn=nn.L1Loss(reduction="none"))
    assert absolute.shape == (10,) and not torch.allclose(absolute, expected)


def test_stream_position_means_line_up_with_stream_errors():
    torch.manual_seed(0)
    model = lh.PerStepLSTM(hidden_size=3)
    series = np.sin(np.arange(95) / 3)
    chunks = lh.stream_chunks(series, batch_size=2, chunk_length=10)
    with torch.no_grad(), lh.eval_mode(model):
        pred, _ = model(torch.cat([x for x, _ in chunks], dim=1))  # (B, 47, 1), state carried
    whole_y = torch.cat([y for _, y in chunks], dim=1)
    sq = ((pred - whole_y) ** 2)[:, :, 0]  # (B, 47): row b predicts series[b * 47 + 1 + i]
    step_errors = np.zeros(len(series) - 1)  # one per target, series[1:]
    for b in range(2):
        step_errors[b * 47 : (b + 1) * 47] = sq[b].numpy()
    means = lh.stream_position_means(step_errors, batch_size=2, chunk_length=10)
    torch.testing.assert_close(means, lh.stream_errors(model, chunks, carry=True))
    # Each position averages the targets it holds: with values = target index, position t
    # of row b, chunk k is b * 47 + 10 k + t + 1.
    index_means = lh.stream_position_means(np.arange(1.0, 95.0), batch_size=2, chunk_length=10)
    expected = [
        np.mean([b * 47 + k + t + 1 for b in (0, 1) for k in range(0, 47, 10) if k + t < 47])
        for t in range(10)
    ]
    torch.testing.assert_close(index_means, torch.tensor(expected, dtype=torch.float32))


def test_stream_errors_and_train_stateful_reject_bad_chunks():
    model = lh.PerStepLSTM(hidden_size=3)
    chunks = lh.stream_chunks(np.arange(50.0), batch_size=2, chunk_length=5)
    with pytest.raises(ValueError, match="reduction='none'"):
        lh.stream_errors(model, chunks, loss_fn=nn.MSELoss())
    with pytest.raises(ValueError, match="at least one"):
        lh.stream_errors(model, [])
    mixed = [chunks[0], (chunks[1][0][:1], chunks[1][1][:1])]  # 2 streams, then 1
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for call in (
        lambda: lh.stream_errors(model, mixed),
        lambda: lh.train_stateful(model, mixed, optimizer),
    ):
        with pytest.raises(ValueError, match="same number of streams"):
            call()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_packing_stateful_training_and_rollout_on_cuda():
    torch.manual_seed(0)
    model = lh.BiLSTMClassifier(hidden_size=6, num_layers=2).eval()
    seqs = [torch.randn(n, 1) for n in (5, 12, 1, 8)]
    padded, lengths = lh.pad_sequences(seqs)
    cpu_logits = model(padded, lengths=lengths)[0]
    model.to("cuda")
    for lens in (lengths, lengths.cuda()):  # lengths on either device
        logits, (h_n, _) = model(padded.cuda(), lengths=lens)
        assert logits.device.type == "cuda" and h_n.device.type == "cuda"
        # cuDNN may use TF32 on recent GPUs: agree to about 1e-3, not to float32 rounding
        torch.testing.assert_close(logits.cpu(), cpu_logits, rtol=1e-3, atol=1e-4)
    out = torch.randn(4, 12, 3, device="cuda")
    assert lh.last_valid_step(out, lengths).device.type == "cuda"

    per_step = lh.PerStepLSTM(hidden_size=8).to("cuda")
    optimizer = torch.optim.Adam(per_step.parameters(), lr=1e-2)
    chunks = lh.stream_chunks(lh.sine_series(400, 40), batch_size=4, chunk_length=20)  # CPU
    losses = lh.train_stateful(per_step, chunks, optimizer, epochs=3)
    assert losses[-1] < losses[0]
    forecast = lh.rollout_per_step(per_step, torch.zeros(2, 10), steps=3)
    assert forecast.shape == (2, 3) and forecast.device.type == "cpu"
