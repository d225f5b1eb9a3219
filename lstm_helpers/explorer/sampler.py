"""A text sampler with sliders: temperature, top-k, prompt, length and seed regenerate the text.

    sampler = TextSampler(model, vocab, prompt="Shall I compare thee", warmup=some_text)
    sampler                      # in a notebook: the controls and the generated text
    sampler.temperature.value = 1.2   # regenerates at once (as a slider release does)
    sampler.text                 # the text shown

With `warmup` text, a check box "warm start" decides whether the model reads it before the
prompt (`sample(..., warmup=...)`): untick it to see a stateful model start from zeros.

The text is drawn by `lstm_helpers.language.sample` from the trained model (about 0.1 s for
a few hundred characters on a laptop CPU) and shown in an HTML widget, never in an Output
widget, so a notebook that displays the sampler re-executes under nbval unchanged. A prompt
the model cannot read (an unknown character, an empty prompt) shows the error's message
instead of text.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from torch import nn

from lstm_helpers.language import sample
from lstm_helpers.text import Vocab


class TextSampler:
    """Sliders for temperature, top-k (0: off), length and seed, a prompt box, and the text.

    With `warmup` text, a "warm start" check box (ticked) reads it before each prompt.
    """

    def __init__(
        self,
        model: nn.Module,
        vocab: Vocab,
        prompt: str = "Shall I compare thee",
        length: int = 200,
        temperature: float = 0.8,
        top_k: int = 0,
        seed: int = 0,
        warmup: str = "",
    ) -> None:
        self.model = model
        self.vocab = vocab
        self.warmup = warmup
        style = {"description_width": "90px"}
        slider = {"continuous_update": False, "style": style}
        self.temperature = widgets.FloatSlider(
            value=temperature, min=0.0, max=2.0, step=0.05, description="temperature", **slider
        )
        self.top_k = widgets.IntSlider(
            value=top_k, min=0, max=len(vocab), description="top-k (0: off)", **slider
        )
        self.length = widgets.IntSlider(
            value=length, min=10, max=800, step=10, description="length", **slider
        )
        self.seed = widgets.IntSlider(value=seed, min=0, max=99, description="seed", **slider)
        self.prompt = widgets.Text(
            value=prompt, description="prompt", continuous_update=False, style=style
        )
        self.warm = widgets.Checkbox(
            value=bool(warmup),
            description="warm start: read a sonnet before the prompt",
            disabled=not warmup,
            indent=False,
        )
        self.output = widgets.HTML()
        self.controls = (
            self.temperature,
            self.top_k,
            self.length,
            self.seed,
            self.prompt,
            self.warm,
        )
        for control in self.controls:
            control.observe(self._changed, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.temperature, self.top_k]),
                widgets.HBox([self.length, self.seed]),
                widgets.HBox([self.prompt, self.warm]),
                self.output,
            ]
        )
        self.text = ""
        self.error = ""
        self.generate()

    def _changed(self, _change: dict) -> None:
        self.generate()

    def generate(self) -> str:
        """Sample anew with the current settings, show the text (or the error), and return it."""
        try:
            self.text = sample(
                self.model,
                self.vocab,
                self.prompt.value,
                self.length.value,
                temperature=self.temperature.value,
                top_k=self.top_k.value or None,
                seed=self.seed.value,
                warmup=self.warmup if self.warm.value else "",
            )
            self.error = ""
            body = (
                f"<b>{html.escape(self.prompt.value)}</b>"
                f"{html.escape(self.text[len(self.prompt.value) :])}"
            )
        except ValueError as err:
            self.text, self.error = "", str(err)
            body = f"<span style='color:#D55E00'>{html.escape(self.error)}</span>"
        self.output.value = (
            "<pre style='white-space:pre-wrap;font-size:13px;line-height:1.3;margin:4px 0'>"
            f"{body}</pre>"
        )
        return self.text

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """Show the controls; the plain-text form stays short and stable (nbval compares it)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "<TextSampler: temperature, top-k, length, seed, prompt, warm start>"
        return bundle
