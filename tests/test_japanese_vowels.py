"""The shipped Japanese Vowels file: the official split, counts per speaker, lengths, clear errors."""

import csv
import shutil

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.datasets import DATA_DIR, VOWELS_COLUMNS, VOWELS_FILE

TEST_PER_SPEAKER = [31, 35, 88, 44, 29, 24, 40, 50, 29]  # UCI's description of the test file


@pytest.fixture(scope="module")
def vowels():
    return lh.load_japanese_vowels()


def test_official_split_and_counts_per_speaker(vowels):
    train, test = vowels
    assert len(train.sequences) == len(train.labels) == 270
    assert len(test.sequences) == len(test.labels) == 370
    assert np.bincount(train.labels).tolist() == [30] * 9
    assert np.bincount(test.labels).tolist() == TEST_PER_SPEAKER
    assert train.labels.dtype == test.labels.dtype == np.int64
    assert train.labels.min() == 0 and train.labels.max() == 8  # speaker minus 1
    # the original files' block order: speaker 1's utterances first
    assert (np.diff(train.labels) >= 0).all() and (np.diff(test.labels) >= 0).all()


def test_lengths_and_frames(vowels):
    train, test = vowels
    assert (train.lengths.min(), train.lengths.max()) == (7, 26)
    assert (test.lengths.min(), test.lengths.max()) == (7, 29)
    assert train.lengths.sum() == 4274 and test.lengths.sum() == 5687  # frames, as in the README
    assert all(
        s.shape == (n, 12) and s.dtype == np.float32
        for s, n in zip(train.sequences, train.lengths, strict=True)
    )
    # the first frame is the first line of UCI's ae.train
    np.testing.assert_allclose(train.sequences[0][0, :3], [1.860936, -0.207383, 0.261557])
    assert all(np.isfinite(s).all() for s in train.sequences + test.sequences)


def test_explicit_path_reads_the_same(tmp_path, vowels):
    copy = tmp_path / "copy.csv"
    shutil.copy(DATA_DIR / VOWELS_FILE, copy)
    train, test = lh.load_japanese_vowels(copy)
    np.testing.assert_array_equal(test.labels, vowels.test.labels)
    np.testing.assert_array_equal(train.sequences[17], vowels.train.sequences[17])


def write(tmp_path, rows, header=VOWELS_COLUMNS):
    path = tmp_path / "v.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def row(split, utt, speaker, frame, value=0.5):
    return [split, utt, speaker, frame] + [value] * 12


GOOD = [row("train", 1, 1, 1), row("train", 1, 1, 2), row("test", 1, 2, 1)]


def test_a_tiny_valid_file(tmp_path):
    train, test = lh.load_japanese_vowels(write(tmp_path, GOOD))
    assert [s.shape for s in train.sequences] == [(2, 12)] and test.labels.tolist() == [1]


def test_missing_file_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Japanese Vowels data file not found: .*nope"):
        lh.load_japanese_vowels(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (GOOD, ("split", "utterance", "speaker", "frame"), "must start with the header"),
        ([*GOOD, ["train", 2, 1, 1, 0.5]], VOWELS_COLUMNS, "expected 16 fields, got 5"),
        ([*GOOD, row("valid", 1, 1, 1)], VOWELS_COLUMNS, "split must be 'train' or 'test'"),
        ([*GOOD, row("train", 2, 10, 1)], VOWELS_COLUMNS, "speaker must be 1..9, got 10"),
        ([*GOOD, row("train", 2, 1, 1, "x")], VOWELS_COLUMNS, "malformed number"),
        ([*GOOD, row("train", 2, 1, 1, "nan")], VOWELS_COLUMNS, "NaN or infinite"),
        ([*GOOD, row("train", 3, 1, 1)], VOWELS_COLUMNS, "utterance 3 starts after utterance 1"),
        (
            [*GOOD, row("train", 1, 1, 4)],
            VOWELS_COLUMNS,
            "frame 4 of train utterance 1 is out of order",
        ),
        ([*GOOD, row("train", 1, 2, 3)], VOWELS_COLUMNS, "changes speaker mid-utterance"),
        (GOOD[:2], VOWELS_COLUMNS, "holds no test utterances"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path, rows, header, message):
    with pytest.raises(ValueError, match=message):
        lh.load_japanese_vowels(write(tmp_path, rows, header))
