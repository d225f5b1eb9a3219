"""The text sampler of notebook 08, driven headless: set slider values, read the text."""

import pytest

import lstm_helpers as lh
from lstm_helpers.explorer import TextSampler

TEXT = "the cat sat on the mat.\nthe dog sat on the log.\n" * 4
VOCAB = lh.Vocab.from_text(TEXT)


@pytest.fixture
def sampler():
    lh.set_seed(0)
    model = lh.CharLSTM(vocab_size=len(VOCAB), embedding_dim=8, hidden_size=16)
    return TextSampler(model, VOCAB, prompt="the ", length=40, temperature=1.0)


def test_it_shows_a_sample_at_once(sampler):
    expected = lh.sample(sampler.model, VOCAB, "the ", 40, temperature=1.0, seed=0)
    assert sampler.text == expected and len(expected) == 44
    assert "<b>the </b>" in sampler.output.value  # the prompt in bold, then the sample


def test_every_control_regenerates(sampler):
    first = sampler.text
    sampler.temperature.value = 0.0
    assert sampler.text == lh.sample(sampler.model, VOCAB, "the ", 40, temperature=0)
    sampler.temperature.value = 1.0
    assert sampler.text == first
    sampler.seed.value = 5
    assert sampler.text == lh.sample(sampler.model, VOCAB, "the ", 40, temperature=1.0, seed=5)
    sampler.length.value = 100
    assert len(sampler.text) == 104
    sampler.top_k.value = 1  # top-1 is greedy whatever the temperature
    assert sampler.text == lh.sample(sampler.model, VOCAB, "the ", 100, temperature=0)
    sampler.prompt.value = "a dog "
    assert sampler.text.startswith("a dog ") and len(sampler.text) == 106


def test_a_bad_prompt_shows_the_error_instead_of_text(sampler):
    sampler.prompt.value = "THE"
    assert sampler.text == "" and "not in the vocabulary" in sampler.error
    assert "not in the vocabulary" in sampler.output.value
    sampler.prompt.value = ""
    assert "non-empty" in sampler.error
    sampler.prompt.value = "the "
    assert sampler.error == "" and sampler.text.startswith("the ")


def test_the_plain_text_repr_is_short_and_stable(sampler):
    bundle = sampler._repr_mimebundle_()
    assert (
        bundle["text/plain"]
        == "<TextSampler: temperature, top-k, length, seed, prompt, warm start>"
    )
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_warm_start_reads_the_warmup_text_first():
    lh.set_seed(0)
    model = lh.CharLSTM(vocab_size=len(VOCAB), embedding_dim=8, hidden_size=16)
    cold_only = TextSampler(model, VOCAB, prompt="the ", length=40)
    assert cold_only.warm.disabled and not cold_only.warm.value
    sampler = TextSampler(model, VOCAB, prompt="the ", length=40, warmup="a dog sat.\n")
    warm = lh.sample(model, VOCAB, "a dog sat.\nthe ", 40, temperature=0.8)[11:]
    assert sampler.warm.value and sampler.text == warm and sampler.text.startswith("the ")
    sampler.warm.value = False
    assert sampler.text == lh.sample(model, VOCAB, "the ", 40, temperature=0.8)
