"""The AUP violation classifier: taxonomy, training data, training, evaluation and the model."""
