"""The PyTorch side of the example: the model as the training code defines it, exported to ONNX.

Run from this folder:  python export.py
It writes model.onnx (the model nn-preflight checks, with its real initial weights) and, for this
example only, a small synthetic data sample under data/. In a real project, CI runs the export step
on each pull request so that the check always sees the model the code defines (docs/from-pytorch.md).
"""
import csv
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = ['rooms', 'area_m2', 'age_years', 'distance_km', 'income_k', 'crime_rate']


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(len(FEATURES), 64), nn.ReLU(),
        nn.Linear(64, 32), nn.ReLU(),
        nn.Linear(32, 1),
    )


def export(model: nn.Module, path: str) -> None:
    model.eval()
    example = torch.randn(1, len(FEATURES))
    torch.onnx.export(model, (example,), path, opset_version=13,
                      input_names=['features'], output_names=['price'],
                      dynamic_axes={'features': {0: 'batch'}, 'price': {0: 'batch'}})


def write_sample(path: str, rows: int, generator: torch.Generator) -> None:
    rooms = torch.randint(1, 8, (rows,), generator=generator).float()
    area = rooms * 18 + torch.rand(rows, generator=generator) * 40 + 20
    age = torch.rand(rows, generator=generator) * 80
    distance = torch.rand(rows, generator=generator) * 30
    income = 20 + torch.rand(rows, generator=generator) * 100
    crime = torch.rand(rows, generator=generator) * 5
    noise = torch.randn(rows, generator=generator) * 8
    price = 50 + 1.6 * area + 1.1 * income - 2.5 * distance - 0.4 * age - 6 * crime + 3 * rooms + noise
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(FEATURES + ['price_k'])
        for i in range(rows):
            values = [rooms[i], area[i], age[i], distance[i], income[i], crime[i], price[i]]
            writer.writerow([f'{float(v):.3f}' for v in values])


if __name__ == '__main__':
    torch.manual_seed(0)
    export(build_model(), os.path.join(HERE, 'model.onnx'))
    generator = torch.Generator().manual_seed(1)
    write_sample(os.path.join(HERE, 'data', 'train.csv'), 800, generator)
    write_sample(os.path.join(HERE, 'data', 'validation.csv'), 200, generator)
