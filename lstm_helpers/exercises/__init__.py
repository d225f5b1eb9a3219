"""Exercise checkers, one module per notebook: a learner's answer in, what is right (or a hint) out.

    from lstm_helpers.exercises import nb03 as check     # the checks of notebook 03
    check.clip_factor(factor, norm=2.5, max_norm=1.0)

| module | notebook |
|---|---|
| `nb01` | 01 · Data and shapes |
| `nb02` | 02 · The LSTM model |
| `nb02b` | 02b · Inside the LSTM |
| `nb03` | 03 · Training with gradient clipping |
| `nb04` | 04 · Evaluation |
| `nb04b` | 04b · Honest forecasting |
| `nb05` | 05 · Bidirectional LSTMs: readouts, look-ahead and packing |
| `nb05b` | 05b · Stateful and production training |
| `nb06` | 06 · Hyperparameter explorer |
| `nb07` | 07 · Real data: Mauna Loa CO2 |
| `nb08` | 08 · An LSTM that writes |
| `nb09` | 09 · Who is speaking? |
| `nb10` | 10 · Anomaly detection in sensor data |

Every checker computes the right answer itself, from the package or from torch, prints one
line per part of the answer (✓ right, ✗ wrong with a hint that points at the concept, never
at the value) and returns a `Result` (`_result.py`), truthy when the whole answer is right, so
a solution cell can `assert check.x(...)`. An answer left as `...` prints a short "not
answered yet" line. Messages are plain, deterministic text (nbval compares them), and no
checker changes the global random state or a model's train/eval mode. No checker imports
ipywidgets: notebook 06's checkers take an explorer and use only its settings.
"""
