#!/usr/bin/env python3
"""PyTorch CPU reference of the engine's GoogLeNet / compact Inception, for bench/training-speed.ts.

Mirrors src/main/training/model/build.ts: the paper's filter counts times a width multiplier
(max(1, round(n * width))), SAME-sized convolutions and 3x3 max-pools, LRN after the stem convolutions
(Caffe size 5, alpha 1e-4, beta 0.75, k 1 -- torch uses Caffe's alpha / n convention), the per-axis input-size
rule for stride-2 stages, global average pooling, dropout 0.4, a dense layer over 3 classes; no batch norm, no
auxiliary heads (the engine's defaults). Trains with Adam (lr 1e-3) on softmax cross-entropy, like the engine.

Prints one JSON line: {"samples_per_s": ..., "ms_per_step": ..., "cpu_ms_per_step": ..., "steps": ..., "threads": ...,
"torch": ...} (cpu_ms_per_step: median CPU time of a step over all threads).
Exit code 3 with a message when torch is not installed.
"""
import argparse
import json
import math
import sys
import statistics
import time

try:
    import torch
    import torch.nn as nn
except ImportError:  # the TS bench reports this and skips the comparison
    print(json.dumps({"error": "torch is not installed (pip install torch==2.13.0)"}))
    sys.exit(3)

INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
STAGES = {"googlenet": 5, "compact": 4}


def scale(n, width):
    return max(1, int(math.floor(n * width + 0.5)))  # JS Math.round for positive values


def axis_strides(size, stages):
    r = 0
    while r < stages and size >= 7 * 2 ** (r + 1):
        r += 1
    return [2 if i >= stages - r else 1 for i in range(stages)]


class Conv(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2), nn.ReLU(inplace=True))


class Inception(nn.Module):
    def __init__(self, cin, f, width):
        super().__init__()
        n1, n3r, n3, n5r, n5, npj = (scale(v, width) for v in f)
        self.b1 = Conv(cin, n1, 1)
        self.b3 = nn.Sequential(Conv(cin, n3r, 1), Conv(n3r, n3, 3))
        self.b5 = nn.Sequential(Conv(cin, n5r, 1), Conv(n5r, n5, 5))
        self.bp = nn.Sequential(nn.MaxPool2d(3, 1, 1), Conv(cin, npj, 1))
        self.out = n1 + n3 + n5 + npj

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], 1)


def pool(stride):
    return nn.MaxPool2d(3, stride, 1) if stride == 2 else nn.Identity()


def build(preset, width, size, channels, classes=3):
    st = axis_strides(size, STAGES[preset])
    layers = [
        Conv(channels, scale(64, width), 7, st[0]),
        pool(st[1]),
        nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0),
        Conv(scale(64, width), scale(64, width), 1),
        Conv(scale(64, width), scale(192, width), 3),
        nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0),
        pool(st[2]),
    ]
    cin = scale(192, width)
    ids = ["3a", "3b", "pool", "4a"] + (["4b", "4c", "4d", "4e", "pool", "5a", "5b"] if preset == "googlenet" else [])
    stage = 3
    for i in ids:
        if i == "pool":
            layers.append(pool(st[stage]))
            stage += 1
            continue
        m = Inception(cin, INCEPTION[i], width)
        layers.append(m)
        cin = m.out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="googlenet", choices=sorted(STAGES))
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20.0, help="timed run length after warm-up")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a.preset, a.width, a.size, a.channels)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(a.batch, a.channels, a.size, a.size)
    y = torch.arange(a.batch) % 3

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    steps, t0 = 0, time.perf_counter()
    times, last = [], t0
    cpu_times, last_cpu = [], time.process_time()
    while True:
        step()
        steps += 1
        now = time.perf_counter()
        times.append(now - last)
        last = now
        cpu = time.process_time()  # all threads of the process: robust to other tenants taking the cores
        cpu_times.append(cpu - last_cpu)
        last_cpu = cpu
        dt = now - t0
        if dt >= a.seconds and steps >= 3:
            break
    # the median step, as the tfjs side reports: robust to a burst of load from another tenant
    med = statistics.median(times)
    print(json.dumps({
        "samples_per_s": a.batch / med,
        "ms_per_step": 1000 * med,
        "mean_ms_per_step": 1000 * dt / steps,
        "cpu_ms_per_step": 1000 * statistics.median(cpu_times),
        "steps": steps,
        "threads": torch.get_num_threads(),
        "params": sum(p.numel() for p in model.parameters()),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
