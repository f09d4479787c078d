"""Churn classifier in Keras 3: the training script that examples/keras-archive/churn.preflight.yml watches.

    python train.py --save-only   # build and compile the model, save model.keras, do not train (what CI runs)
    python train.py               # train it

nn-preflight reads the layers, the compile() settings and the starting weights from model.keras, so
CI saves the file from this script before the check and the check always sees the model this code
builds. (The model.keras committed in this folder was synthesized without Keras by
test/fixtures/keras/make-fixtures.ts, with the same architecture and compile settings as below.)
"""
import sys

import keras
import pandas as pd


def build_model() -> keras.Model:
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(64, activation="relu", name="hidden"),
        keras.layers.Dropout(0.1, name="dropout"),
        keras.layers.Dense(1, activation="sigmoid", name="churn"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main() -> None:
    model = build_model()
    if "--save-only" in sys.argv:
        model.save("model.keras")
        return
    train = pd.read_csv("data/train.csv")
    validation = pd.read_csv("data/validation.csv")
    features = ["tenure_months", "monthly_charge", "support_calls", "usage_gb"]
    # The same preprocessing the config declares (`preprocessing: inputs: standardize`).
    mean, std = train[features].mean(), train[features].std()
    x, x_val = (train[features] - mean) / std, (validation[features] - mean) / std
    model.fit(x, train["churned"], validation_data=(x_val, validation["churned"]), batch_size=32, epochs=30)
    model.save("model.keras")


if __name__ == "__main__":
    main()
