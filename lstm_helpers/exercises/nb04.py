"""The checks of notebook 04 · Evaluation: `from lstm_helpers.exercises import nb04 as check`."""

from __future__ import annotations

import torch
from torch import nn

from lstm_helpers.evaluation import predict
from lstm_helpers.exercises._result import Result, approx_equal, as_number, right, unanswered, wrong
from lstm_helpers.runtime import eval_mode

__all__ = ["reloaded_latest", "step_change", "train_mode_mse"]


def train_mode_mse(model: nn.Module, X: torch.Tensor, y: torch.Tensor, answer: object) -> Result:
    """Check an MSE computed with the model in training mode (dropout on)."""
    if (r := unanswered(answer)) is not None:
        return r
    if (answer := as_number(answer)) is None:
        return wrong("give the MSE as a number (a tensor's .item()).")
    # eval_mode restores the learner's mode at the end, also after the train-mode passes.
    with eval_mode(model), torch.no_grad(), torch.random.fork_rng():
        eval_mse = (model(X)[0] - y).square().mean().item()
        model.train()  # dropout on, as in the question
        torch.manual_seed(0)
        samples = [(model(X)[0] - y).square().mean().item() for _ in range(8)]
    low, high = min(samples), max(samples)
    if approx_equal(answer, eval_mse, rtol=1e-2):
        return wrong(
            "that is the eval-mode error: call model.train() before predicting, so dropout is on."
        )
    if low / 3 <= answer <= high * 3:
        return right(
            "dropout on: an MSE of the right size for a training-mode pass (it varies from pass to pass).",
            "well above the eval-mode MSE: dropout removes information the trained model relies on.",
        )
    if low / 3 <= answer**2 <= high * 3:
        return wrong("that looks like a root: the MSE is the mean of the squared errors.")
    return wrong(
        "compute mean((prediction - y) ** 2) over all windows, with the model in training mode and inside torch.no_grad()."
    )


def step_change(y: torch.Tensor, answer: object) -> Result:
    """Check the mean absolute change between consecutive targets `y` (M, 1)."""
    if (r := unanswered(answer)) is not None:
        return r
    if (answer := as_number(answer)) is None:
        return wrong("give the mean change as a number (a tensor's .item()).")
    diff = torch.as_tensor(y, dtype=torch.float64).flatten().diff()
    expected = diff.abs().mean().item()
    if approx_equal(answer, expected, rtol=1e-3):
        return right(
            f"consecutive values differ by {expected:.3g} on average: the error of predicting 'same as the last value'."
        )
    if abs(answer) < expected / 5:
        return wrong("rises and falls cancel out in a plain mean: average the size of each change.")
    if approx_equal(answer, diff.square().mean().item(), rtol=1e-3) or approx_equal(
        answer, diff.square().mean().sqrt().item(), rtol=1e-3
    ):
        return wrong(
            "that is a squared (or root-squared) average; compare like with like: MAE is a mean absolute value."
        )
    if approx_equal(answer, diff.abs().max().item(), rtol=1e-3):
        return wrong("that is the largest change; the question asks for the average one.")
    return wrong(
        "take the differences between neighbouring targets, y[1:] - y[:-1], and average their absolute values."
    )


def reloaded_latest(reloaded: object, model: nn.Module, X: torch.Tensor) -> Result:
    """Check that `reloaded` predicts exactly like `model` as it is now (the last save)."""
    if (r := unanswered(reloaded)) is not None:
        return r
    if isinstance(reloaded, tuple):
        return wrong("load_checkpoint returns a pair (model, checkpoint): unpack it.")
    if not isinstance(reloaded, nn.Module):
        return wrong("pass the model that load_checkpoint rebuilt.")
    if reloaded is model:
        return wrong("that is the model in memory; pass the one rebuilt from the file.")
    if torch.equal(predict(reloaded, X), predict(model, X)):
        return right(
            "the reloaded model predicts exactly like the model after its extra training: the second save replaced the first."
        )
    return wrong(
        "the reloaded model predicts differently from the model as it is now: was the file saved again after the extra training, and reloaded after that?"
    )
