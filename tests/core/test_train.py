"""The training generator: deterministic, stoppable, one data stream for every kind, and it learns."""

import itertools

import numpy as np
import pytest

from app.core import analysis, build_model
from app.core.tasks import get_task
from app.core.train import Stopped, TrainConfig, data_rngs, fit, train

SMALL = TrainConfig(
    task="adding",
    task_params={"T": 8},
    cells=("rnn", "lstm", "gru"),
    H=4,
    batch=4,
    steps=6,
    snapshot_every=3,
    test_size=8,
)


def assert_same(a, b):
    """Snapshots equal value for value (arrays exactly), ignoring the timings."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            if key != "elapsed":
                assert_same(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


def test_snapshots_come_at_zero_every_n_and_at_the_end():
    snaps = list(train(SMALL.with_(steps=7)))
    assert [s["step"] for s in snaps] == [0, 3, 6, 7]
    assert [s["final"] for s in snaps] == [False, False, False, True]
    assert snaps[-1]["reason"] == "steps"
    assert all(s["reason"] is None for s in snaps[:-1])
    assert all(list(s["cells"]) == ["rnn", "lstm", "gru"] for s in snaps)
    assert [s["elapsed"] for s in snaps] == sorted(s["elapsed"] for s in snaps)


def test_snapshot_entry_fields_and_shapes():
    last = list(train(SMALL))[-1]
    T = 8
    for kind, cell in last["cells"].items():
        assert cell["kind"] == kind and cell["step"] == 6
        for key in ("train_loss", "test_loss", "grad_norm", "elapsed"):
            assert isinstance(cell[key], float) and np.isfinite(cell[key])
        assert 0.0 <= cell["test_accuracy"] <= 1.0
        assert cell["grad_hidden_norm"].shape == (T,)
        assert cell["finite"] is True and cell["first_nonfinite_step"] is None
        assert cell["first_nonfinite_forward"] is None and cell["first_nonfinite_backward"] is None
        assert all(v.shape == (T,) for v in cell["weight_grad"].values())
        assert all(v.shape == (T,) for v in cell["gate_means"].values())
    rnn, lstm, gru = (last["cells"][k] for k in ("rnn", "lstm", "gru"))
    assert list(rnn["weight_grad"]) == ["W_hh"] and rnn["gate_means"] == {} and rnn["grad_cell_norm"] is None
    assert rnn["grad_hidden_bound"].shape == (T,) and np.all(
        rnn["grad_hidden_bound"] >= rnn["grad_hidden_norm"]
    )
    assert lstm["grad_hidden_bound"] is None and gru["grad_hidden_bound"] is None
    assert list(lstm["gate_means"]) == ["f", "i", "g", "o"] and lstm["grad_cell_norm"].shape == (T,)
    assert list(gru["gate_means"]) == ["z", "r", "n"]
    assert np.all((lstm["gate_means"]["f"] > 0) & (lstm["gate_means"]["f"] < 1))
    assert list(lstm["gate_unit_means"]) == ["f", "i", "g", "o"] and lstm["gate_unit_means"]["f"].shape == (
        4,
    )
    assert lstm["gate_unit_means"]["f"].mean() == pytest.approx(lstm["gate_means"]["f"].mean())


def test_snapshot_numbers_are_the_models_own():
    """Step 0 shows the untrained model on the first batch of the seeded data stream and on the test set."""
    config = SMALL.with_(cells=("lstm",), steps=0)
    (snap,) = list(train(config))
    cell = snap["cells"]["lstm"]
    task = get_task("adding")
    data_seed, test_seed = np.random.SeedSequence(config.seed).spawn(2)
    x, y = task.sample(np.random.default_rng(data_seed), 4, T=8)
    x_test, y_test = task.sample(np.random.default_rng(test_seed), 8, T=8)
    model = build_model("lstm", 2, 4, 1, seed=config.seed, output="linear")
    trace = model.run(x, y, loss="mse", loss_on="last")
    assert cell["train_loss"] == pytest.approx(trace.loss, rel=1e-12)
    assert cell["test_loss"] == pytest.approx(model.run(x_test, y_test, loss_on="last", backward=False).loss)
    np.testing.assert_allclose(
        cell["grad_hidden_norm"], np.linalg.norm(trace.grad_hidden, axis=2).mean(axis=1)
    )
    np.testing.assert_allclose(cell["gate_means"]["f"], trace.gates["f"].mean(axis=(1, 2)))
    np.testing.assert_allclose(cell["gate_unit_means"]["i"], trace.gates["i"].mean(axis=(0, 1)))
    assert cell["grad_norm"] == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in trace.grads.values())))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_snapshot_curves_are_the_analyses_of_the_batch(kind):
    """The per-step curves of step 0 are analysis's own of the first batch's trace (weight-gradient terms,
    the RNN's bound, where each pass broke), for a batch larger and smaller than the hidden layer."""
    for batch, hidden in [(8, 4), (3, 6)]:
        config = SMALL.with_(cells=(kind,), steps=0, batch=batch, H=hidden)
        (snap,) = list(train(config))
        cell = snap["cells"][kind]
        x, y = get_task("adding").sample(
            np.random.default_rng(np.random.SeedSequence(0).spawn(2)[0]), batch, T=8
        )
        model = build_model(kind, 2, hidden, 1, seed=config.seed, output="linear")
        trace = model.run(x, y, loss="mse", loss_on="last")
        terms = analysis.weight_grad_terms(model, trace)
        assert list(cell["weight_grad"]) == list(terms)
        for name, term in terms.items():
            np.testing.assert_allclose(
                cell["weight_grad"][name], np.linalg.norm(term, axis=(1, 2)), rtol=1e-12
            )
        if kind == "rnn":
            bound = analysis.grad_hidden_bound(model, trace)["hidden_mean"]
            np.testing.assert_allclose(cell["grad_hidden_bound"], bound, rtol=1e-12)
        assert analysis.nonfinite_steps(trace) == {"forward": None, "backward": None}
        assert cell["first_nonfinite_forward"] is None and cell["first_nonfinite_backward"] is None


def test_same_seed_same_numbers_and_a_shorter_run_is_a_prefix():
    a = list(train(SMALL))
    b = list(train(SMALL))
    longer = list(train(SMALL.with_(steps=9)))
    assert_same(a, b)
    for short, long in zip(a[:-1], longer, strict=False):
        assert_same(short, long)
    # The final snapshot of the short run is the same state as the long run's snapshot at that step,
    # apart from the flags that say it is final.
    assert_same({**a[-1], "final": False, "reason": None}, longer[2])
    other = list(train(SMALL.with_(seed=1)))
    assert other[-1]["cells"]["rnn"]["test_loss"] != a[-1]["cells"]["rnn"]["test_loss"]


def test_kinds_side_by_side_see_the_same_batches_as_alone():
    together = list(train(SMALL))
    alone = list(train(SMALL.with_(cells=("lstm",))))
    for both, one in zip(together, alone, strict=True):
        assert_same(both["cells"]["lstm"], one["cells"]["lstm"])


def test_caller_can_stop_by_not_iterating():
    gen = train(SMALL.with_(steps=10_000, snapshot_every=1))
    taken = list(itertools.islice(gen, 3))
    gen.close()
    assert [s["step"] for s in taken] == [0, 1, 2]


def test_should_stop_ends_with_a_final_snapshot():
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 4

    snaps = list(train(SMALL.with_(steps=10_000, snapshot_every=2), should_stop=should_stop))
    assert snaps[-1]["final"] and snaps[-1]["reason"] == "stopped"
    assert snaps[-1]["step"] == 4
    assert [s["step"] for s in snaps] == [0, 2, 4]


def test_seconds_budget_stops_the_run():
    snaps = list(train(SMALL.with_(steps=10_000, seconds=0.0)))
    assert len(snaps) == 1 and snaps[0]["reason"] == "seconds" and snaps[0]["step"] == 0


def test_clipping_counts_events_and_reports_norm_before_clipping():
    snaps = list(train(SMALL.with_(clip=1e-6)))
    for s in snaps:
        for cell in s["cells"].values():
            assert cell["grad_norm"] > 1e-6 and cell["clipped"] is True
            assert cell["clip_events"] == s["step"]
    unclipped = list(train(SMALL.with_(clip=None)))[-1]
    assert all(c["clip_events"] == 0 and c["clipped"] is False for c in unclipped["cells"].values())


def test_truncated_bptt_reaches_only_the_last_chunk():
    last = list(train(SMALL.with_(cells=("rnn",), task_params={"T": 12}, truncate=4)))[-1]
    g = last["cells"]["rnn"]["grad_hidden_norm"]
    assert np.all(g[:8] == 0.0) and np.all(g[8:] > 0.0)


def test_exploding_updates_are_skipped_and_counted():
    config = SMALL.with_(
        cells=("rnn",),
        task_params={"T": 200},
        init={"activation": "relu", "spectral_radius": 50.0},
        steps=3,
        snapshot_every=1,
    )
    snaps = list(train(config))
    cell = snaps[-1]["cells"]["rnn"]
    assert cell["finite"] is False and cell["first_nonfinite_step"] is not None
    assert cell["first_nonfinite_forward"] == cell["first_nonfinite_step"]  # the forward pass overflows first
    assert cell["skipped"] == 3 and cell["step"] == 3
    # Nothing was applied, so the test loss never moved.
    assert len({s["cells"]["rnn"]["test_loss"] for s in snaps}) == 1


def test_sgd_trains_and_sine_has_no_accuracy():
    snaps = list(train(SMALL.with_(task="sine", task_params={"T": 10}, optimizer="sgd", lr=0.05, steps=30)))
    cell = snaps[-1]["cells"]["lstm"]
    assert cell["test_accuracy"] is None
    assert cell["test_loss"] < snaps[0]["cells"]["lstm"]["test_loss"]


def test_lstm_learns_the_adding_problem_on_an_easy_setting():
    config = TrainConfig(
        task="adding",
        task_params={"T": 10},
        cells=("lstm",),
        H=8,
        steps=400,
        snapshot_every=50,
        test_size=200,
        stop_when_solved=True,
    )
    snaps = list(train(config))
    final = snaps[-1]["cells"]["lstm"]
    assert final["test_loss"] < get_task("adding").baseline() / 10
    assert final["solved"] and snaps[-1]["reason"] == "solved"
    assert final["solved_at"] == snaps[-1]["step"] == final["step"]


def test_a_solved_kind_stops_while_the_others_go_on():
    config = TrainConfig(
        task="recall_first",
        task_params={"T": 3, "V": 2},
        cells=("rnn", "lstm"),
        H=4,
        lr=0.05,
        steps=300,
        snapshot_every=10,
        test_size=64,
        stop_when_solved=True,
    )
    snaps = list(train(config))
    solved_at = {k: snaps[-1]["cells"][k]["solved_at"] for k in config.cells}
    assert all(step is not None for step in solved_at.values())
    first = min(solved_at, key=solved_at.get)
    assert snaps[-1]["cells"][first]["step"] == solved_at[first]
    assert snaps[-1]["reason"] == "solved" and snaps[-1]["step"] == max(solved_at.values())


def test_config_rejects_nonsense():
    with pytest.raises(ValueError, match="each once"):
        TrainConfig(cells=("rnn", "rnn"))
    with pytest.raises(ValueError, match="unknown kind"):
        TrainConfig(cells=("rnn", "transformer"))
    with pytest.raises(ValueError, match="batch"):
        TrainConfig(batch=0)
    with pytest.raises(ValueError, match="between"):
        TrainConfig(task_params={"T": 1})
    with pytest.raises(ValueError, match="unknown task"):
        TrainConfig(task="nope")


def test_fit_is_train_without_snapshots():
    """fit's networks are train's at its last step: their held-out loss is the final snapshot's, exactly."""
    models = fit(SMALL)
    final = list(train(SMALL))[-1]
    task = get_task(SMALL.task)
    params = task.resolve(**SMALL.task_params)
    x, y = task.sample(data_rngs(SMALL.seed)[1], SMALL.test_size, **params)
    for kind, model in models.items():
        loss = model.run(x, y, loss=task.loss, loss_on=task.loss_on, backward=False).loss
        assert loss == final["cells"][kind]["test_loss"]


def test_fit_stops_when_told():
    calls = itertools.count()
    with pytest.raises(Stopped):
        fit(SMALL, should_stop=lambda: next(calls) >= 2)


def test_fit_starts_from_initial_parameters_and_leaves_them_as_given():
    """Fine-tuning: one Adam update moves every parameter of the given set by at most lr, so the run
    started there and not from a fresh initialisation; the given arrays are not changed."""
    start = build_model("gru", 2, 5, 1, seed=9, gru_form="torch").params
    given = {name: p.copy() for name, p in start.items()}
    config = TrainConfig(task="adding", task_params={"T": 8}, cells=("gru",), H=5, steps=1, lr=1e-3,
                    batch=4, test_size=4, initial={"gru": start})  # fmt: skip
    model = fit(config)["gru"]
    assert model.gru_form == "torch"
    for name, p in given.items():
        np.testing.assert_array_equal(start[name], p)
        moved = np.abs(model.params[name] - p).max()
        assert 0 < moved <= 1e-3 * 1.001, name
