"""Benchmark of lecture 6: the same networks trained through two data pipelines.

- fast: the whole split in memory as one tensor, shuffled index batches
  (``lecturekit.training.fit`` over ``lecturekit.data.mnist_tensors``);
- classroom: ``DataLoader(MNIST(transform=ToTensor()))``, the pattern most tutorials use
  (``lecturekit.training.fit_loader`` over ``lecturekit.training.classroom_loader``).

Both use the same model, initial weights, batch size, optimizer, schedule and number of epochs,
so the difference is the data pipeline alone. The runs are interleaved (classroom, fast,
classroom, ...) so that a change in the machine's load hits both; the table gives the median
training time over ``--repeats`` runs. Run it with ``make bench``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import torch

from lecturekit import data, models, training

MODELS = {"MLP": models.MnistMLP, "SmallCNN": models.SmallCNN}
EPOCHS = {"MLP": 3, "SmallCNN": 3}
BATCH_SIZE = 128
SEED = 0


def cpu_model() -> str:
    """The processor's name as the operating system reports it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "n/a"


def run(pipeline: str, name: str, test: tuple[torch.Tensor, torch.Tensor]) -> tuple[float, float]:
    """Train one fresh model through one pipeline; returns (training seconds, test accuracy)."""
    torch.manual_seed(SEED)
    model = MODELS[name]()
    epochs = EPOCHS[name]
    if pipeline == "fast":
        images, labels = data.mnist_tensors(train=True)
        start = time.perf_counter()
        training.fit(model, images, labels, epochs=epochs, batch_size=BATCH_SIZE, seed=SEED, progress=False)
    else:
        loader = training.classroom_loader(train=True, batch_size=BATCH_SIZE, seed=SEED)
        start = time.perf_counter()
        training.fit_loader(model, loader, epochs=epochs, progress=False)
    seconds = time.perf_counter() - start
    return seconds, training.evaluate(model, *test)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs per pipeline and model (default 3)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated, from " + ", ".join(MODELS))
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown or args.repeats < 1:
        parser.error(f"unknown models {unknown}" if unknown else "--repeats must be >= 1")

    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs; {data.describe_device()}")
    print(f"python {platform.python_version()}, torch {torch.__version__}; load average before: {load()}")
    train_count = len(data.mnist_tensors(train=True)[1])
    test = data.mnist_tensors(train=False)
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for repeat in range(args.repeats):
        for name in names:
            # Alternate which pipeline goes first, so a drift in load does not favour one.
            order = ("classroom", "fast") if repeat % 2 == 0 else ("fast", "classroom")
            for pipeline in order:
                seconds, accuracy = run(pipeline, name, test)
                results.setdefault((pipeline, name), []).append((seconds, accuracy))
                print(f"  run {repeat + 1}/{args.repeats} {pipeline:<9} {name:<8} "
                      f"{seconds:6.1f} s  {accuracy:.2%}", file=sys.stderr, flush=True)

    print(f"load average after: {load()}; medians of {args.repeats} interleaved runs, batch {BATCH_SIZE}")
    print()
    print("| pipeline | model | epochs | test acc % | train s (median) | images/s | fast/classroom |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        medians = {p: statistics.median(s for s, _ in results[(p, name)]) for p in ("classroom", "fast")}
        for pipeline, label in (("classroom", "DataLoader(ToTensor())"), ("fast", "in-memory tensors")):
            runs = results[(pipeline, name)]
            accuracies = sorted({round(a * 100, 2) for _, a in runs})
            accuracy = "/".join(f"{a:.2f}" for a in accuracies)
            seconds = medians[pipeline]
            speed = train_count * EPOCHS[name] / seconds
            ratio = f"{medians['classroom'] / medians['fast']:.1f}x" if pipeline == "fast" else ""
            all_runs = ", ".join(f"{s:.1f}" for s, _ in runs)
            print(f"| {label} | {name} | {EPOCHS[name]} | {accuracy} | {seconds:.1f} ({all_runs}) "
                  f"| {speed:,.0f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
