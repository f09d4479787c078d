"""The PyTorch reference for bench/training.ts: the same networks (bench/models.ts), batch size,
optimizer (Adam 1e-3) and number of steps, on one thread. Only the steps after the warm-up are timed;
the loss is read back every step, as the smoke run records a loss per step.
Usage: python3 torch_reference.py '{"warmup": 20, "batch": 32, "models": [{"id": "mlp", "kind": "mlp", ...}]}'
"""
import json
import sys
import time

import torch
from torch import nn


class LastStep(nn.Module):
    """An LSTM whose last time step feeds a dense layer, as Keras LSTM(return_sequences=False)."""

    def __init__(self, features, units):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        self.dense = nn.Linear(units, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.dense(out[:, -1])


def build(spec):
    """Network, input shape per row, target maker and loss for one benchmark model."""
    kind = spec["kind"]
    if kind == "mlp":
        layers, width = [], spec["inputs"]
        for units in spec["hidden"]:
            layers += [nn.Linear(width, units), nn.ReLU()]
            if spec.get("dropout") and width == spec["inputs"]:
                layers.append(nn.Dropout(spec["dropout"]))
            width = units
        layers.append(nn.Linear(width, 1))
        return nn.Sequential(*layers), (spec["inputs"],), lambda rows: torch.randn(rows, 1), nn.MSELoss()
    if kind == "cnn":
        side, (f1, f2) = spec["side"], spec["filters"]
        flat = ((((side - 2) // 2) - 2) // 2) ** 2 * f2
        net = nn.Sequential(
            nn.Conv2d(1, f1, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(f1, f2, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(flat, spec["classes"]),
        )
        # softmax + sparse categorical crossentropy = CrossEntropyLoss on the logits
        return net, (1, side, side), lambda rows: torch.randint(0, spec["classes"], (rows,)), nn.CrossEntropyLoss()
    if kind == "wide":
        layers, width = [], spec["inputs"]
        for units in spec["hidden"]:
            layers += [nn.Linear(width, units), nn.ReLU()]
            width = units
        layers.append(nn.Linear(width, spec["classes"]))
        # softmax + sparse categorical crossentropy = CrossEntropyLoss on the logits
        return nn.Sequential(*layers), (spec["inputs"],), lambda rows: torch.randint(0, spec["classes"], (rows,)), nn.CrossEntropyLoss()
    if kind == "lstm":
        return LastStep(spec["features"], spec["units"]), (spec["timesteps"], spec["features"]), lambda rows: torch.randn(rows, 1), nn.MSELoss()
    raise ValueError(f"unknown model kind {kind}")


def steps_per_second(spec, warmup, batch):
    torch.manual_seed(0)
    net, shape, targets, loss_fn = build(spec)
    rows = spec["rows"]
    x, y = torch.randn(rows, *shape), targets(rows)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    order, position, losses = torch.randperm(rows), 0, []
    total = warmup + spec["steps"]
    started = cpu_started = None
    for step in range(total):
        if step == warmup:
            started, cpu_started = time.perf_counter(), time.process_time()
        if position + batch > rows:
            order, position = torch.randperm(rows), 0
        index = order[position:position + batch]
        position += batch
        optimizer.zero_grad()
        loss = loss_fn(net(x[index]), y[index])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {"id": spec["id"], "steps_per_s": spec["steps"] / seconds, "cpu_steps_per_s": spec["steps"] / cpu_seconds, "timed_steps": spec["steps"]}


def main():
    request = json.loads(sys.argv[1])
    torch.set_num_threads(1)
    results = [steps_per_second(m, request["warmup"], request["batch"]) for m in request["models"]]
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
