"""An interrupted training run resumes at its last completed epoch (keras BackupAndRestore + CSVLogger)."""

import keras
import numpy as np
import pytest

from afrlib import models, prepare, resume, training

from conftest import many_reviews

EPOCHS = 3


class StopAfterFirstEpoch(keras.callbacks.Callback):
    """What Ctrl-C does between epochs: the first epoch is saved, then the run dies."""

    def on_epoch_end(self, epoch, logs=None):
        raise KeyboardInterrupt


@pytest.fixture(scope="module")
def data():
    return prepare.prepare(many_reviews(300, seed=9), maxlen=12, log=lambda line: None)


def fresh_model(data):
    training.set_seed(7)
    return models.build_lstm_model(1, data.input_dim, maxlen=12, embedding_dim=8)


def fit(data, model, checkpoint_dir, callbacks=()):
    return training.train_model(model, data.x_train, data.y_train, epochs=EPOCHS, batch_size=32, verbose=0,
                                checkpoint_dir=checkpoint_dir, callbacks=callbacks)


def test_checkpointing_does_not_change_an_uninterrupted_run(data, tmp_path):
    plain_model, saved_model = fresh_model(data), None
    plain = fit(data, plain_model, None)
    saved_model = fresh_model(data)
    saved = fit(data, saved_model, tmp_path)
    assert saved["history"] == plain["history"] and saved["resumed_at_epoch"] == 0
    for a, b in zip(plain_model.get_weights(), saved_model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert list(tmp_path.iterdir()) == []  # a completed run leaves no checkpoint


def test_an_interrupted_run_resumes_at_its_last_epoch(data, tmp_path, capsys):
    reference_model = fresh_model(data)
    reference = fit(data, reference_model, None)

    with pytest.raises(KeyboardInterrupt):
        fit(data, fresh_model(data), tmp_path, callbacks=[StopAfterFirstEpoch()])
    assert len(list(tmp_path.iterdir())) == 1  # the checkpoint of epoch 1 is kept
    resumed_model = fresh_model(data)  # a new process: same seed, same notebook
    resumed = fit(data, resumed_model, tmp_path)
    assert resumed["resumed_at_epoch"] == 1 and "Resuming at epoch 2 of 3" in capsys.readouterr().out
    assert len(resumed["history"]["loss"]) == EPOCHS and len(resumed["epoch_seconds"]) == EPOCHS
    # Epoch 1 ran before the interruption: identical. Later epochs draw their batch order from a
    # generator seeded afresh in the new process (BackupAndRestore saves weights and optimizer state,
    # not the RNG), so they see the training rows in another order: equal within a tolerance.
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert resumed["history"][key][0] == pytest.approx(reference["history"][key][0], rel=1e-6)
        np.testing.assert_allclose(resumed["history"][key], reference["history"][key], rtol=0.05, atol=0.02)
    outputs = [model.predict(data.x_test, verbose=0).ravel() for model in (resumed_model, reference_model)]
    assert np.abs(outputs[0] - outputs[1]).max() < 0.05
    assert list(tmp_path.iterdir()) == []


def test_other_settings_start_afresh(data, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        fit(data, fresh_model(data), tmp_path, callbacks=[StopAfterFirstEpoch()])
    other = training.train_model(fresh_model(data), data.x_train, data.y_train, epochs=EPOCHS, batch_size=16,
                                 verbose=0, checkpoint_dir=tmp_path)
    assert other["resumed_at_epoch"] == 0
    model = fresh_model(data)
    key = resume.run_key(model, data.x_train, data.y_train, EPOCHS, 32, 0.3)
    assert key != resume.run_key(model, data.x_train[:-1], data.y_train[:-1], EPOCHS, 32, 0.3)
    assert key != resume.run_key(model, data.x_train, data.y_train, EPOCHS + 1, 32, 0.3)
    training.set_seed(8)
    other_seed = models.build_lstm_model(1, data.input_dim, maxlen=12, embedding_dim=8)
    assert key != resume.run_key(other_seed, data.x_train, data.y_train, EPOCHS, 32, 0.3)


def test_a_checkpoint_without_its_log_is_not_trusted(tmp_path):
    folder = tmp_path / "run"
    (folder / "backup").mkdir(parents=True)
    (folder / "backup" / "training_metadata.json").write_text('{"epoch": 2}')
    resume.write_history_rows(folder / resume.HISTORY_FILE, [{"epoch": 0, "loss": 1.0}])
    assert resume.completed_epochs(folder) == 0 and not folder.exists()
