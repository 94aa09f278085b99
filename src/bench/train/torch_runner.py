"""Trains one of Vigil's models with PyTorch on the CPU for `vigil bench train`, as the peer it is compared with.

Usage: python torch_runner.py REQUEST.json

The request (written by torch-peer.ts) holds the model configuration exactly as Vigil's ModelConfig, the example
count and lengths, the paths of two raw little-endian float32 files (inputs `[count, inputLength]`, targets
`[count, targetLength]`, the layouts of Vigil's Examples), the batch size, warm-up and timed step counts, Adam's
learning rate, the thread count (null: PyTorch's default), the seed of the batch order and the rounds: the timed steps
run that many times in a row (training on), so that a noisy machine's best round can count.

Each model is built to compute what Vigil's does (see src/ml/engine/models/): normalisation inside the model,
batch-first LSTMs, gates in PyTorch's order, the same heads and losses; Adam with PyTorch's defaults. Batches are
drawn from a seeded shuffle of the examples, reshuffled when fewer than a batch remain (every batch is full); the
gather of a batch counts as part of its step, as in Vigil's training loop.

Prints one JSON object: the PyTorch version, the threads used, the parameter count, per round the timed steps'
wall-clock seconds in total and per step (ms), and the loss of every step of the last round.
"""

import array
import json
import math
import sys
import time
import warnings

# torch warns on import when NumPy is absent; the runner never uses NumPy.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402


def read_float32(path, count):
    """`count` little-endian float32 values from a raw file, as a tensor (array swaps bytes on big-endian hosts)."""
    values = array.array("f")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != 4 * count:
        raise ValueError(f"{path} holds {len(data)} bytes, expected {4 * count} ({count} float32 values)")
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    return torch.frombuffer(values, dtype=torch.float32).clone() if count > 0 else torch.empty(0)


class Normalize(nn.Module):
    """`(x - center) / scale` per feature, as Vigil's models do inside the model on every batch."""

    def __init__(self, normalization):
        super().__init__()
        self.register_buffer("center", torch.tensor(normalization["center"], dtype=torch.float32))
        self.register_buffer("scale", torch.tensor(normalization["scale"], dtype=torch.float32))

    def forward(self, x):
        return (x - self.center) / self.scale


class LstmForecaster(nn.Module):
    """Stacked LSTM over `[batch, window, features]`, last step's top hidden state → Linear to horizon × quantiles."""

    def __init__(self, c):
        super().__init__()
        self.window, self.horizon, self.features = c["window"], c["horizon"], c["features"]
        self.normalize = Normalize(c["normalization"])
        self.lstm = nn.LSTM(c["features"], c["units"], c["layers"], batch_first=True)
        self.head = nn.Linear(c["units"], c["horizon"] * len(c["quantiles"]))
        self.register_buffer("taus", torch.tensor(c["quantiles"], dtype=torch.float32))

    def loss(self, inputs, targets):
        x = self.normalize(inputs.view(-1, self.window, self.features))
        h, _ = self.lstm(x)
        # Output j = step * quantiles + q, as Vigil's head lays it out.
        out = self.head(h[:, -1, :]).view(-1, self.horizon, self.taus.numel())
        y = (targets.view(-1, self.horizon, 1) - self.normalize.center[0]) / self.normalize.scale[0]
        residual = y - out
        # Pinball loss, mean over batch, horizon and quantiles.
        return torch.maximum(self.taus * residual, (self.taus - 1) * residual).mean()


class LstmAutoencoder(nn.Module):
    """Encoder LSTM, its last hidden state repeated as the decoder LSTM's input at every step, Linear per step; MSE."""

    def __init__(self, c):
        super().__init__()
        self.window, self.features = c["window"], c["features"]
        self.normalize = Normalize(c["normalization"])
        self.encoder = nn.LSTM(c["features"], c["units"], 1, batch_first=True)
        self.decoder = nn.LSTM(c["units"], c["units"], 1, batch_first=True)
        self.output = nn.Linear(c["units"], c["features"])

    def loss(self, inputs, targets):
        x = self.normalize(inputs.view(-1, self.window, self.features))
        encoded, _ = self.encoder(x)
        repeated = encoded[:, -1:, :].expand(-1, self.window, -1)
        decoded, _ = self.decoder(repeated)
        y = self.normalize(targets.view(-1, self.window, self.features))
        return F.mse_loss(self.output(decoded), y)


ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}


class DenseAutoencoder(nn.Module):
    """Linear layers features → hidden... → features, the activation after every hidden layer; MSE."""

    def __init__(self, c, activation):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown dense activation {activation!r}: expected one of {sorted(ACTIVATIONS)}")
        widths = [c["features"], *c["hidden"], c["features"]]
        layers = []
        for i in range(len(widths) - 1):
            layers.append(nn.Linear(widths[i], widths[i + 1]))
            if i < len(widths) - 2:
                layers.append(ACTIVATIONS[activation]())
        self.normalize = Normalize(c["normalization"])
        self.net = nn.Sequential(*layers)
        self.features = c["features"]

    def loss(self, inputs, targets):
        x = self.normalize(inputs.view(-1, self.features))
        y = self.normalize(targets.view(-1, self.features))
        return F.mse_loss(self.net(x), y)


class DeepLog(nn.Module):
    """One-hot template ids through stacked LSTMs, last hidden state → Linear to the vocabulary; cross-entropy.

    One-hot rather than nn.Embedding: Vigil's LSTM multiplies the one-hot step input by its input weights, so the
    same arithmetic runs on both sides (an embedding lookup would be cheaper than what Vigil computes).
    """

    def __init__(self, c):
        super().__init__()
        self.window, self.vocabulary = c["window"], c["vocabularySize"]
        self.lstm = nn.LSTM(c["vocabularySize"], c["units"], c["layers"], batch_first=True)
        self.head = nn.Linear(c["units"], c["vocabularySize"])

    def loss(self, inputs, targets):
        x = F.one_hot(inputs.view(-1, self.window).long(), self.vocabulary).float()
        h, _ = self.lstm(x)
        return F.cross_entropy(self.head(h[:, -1, :]), targets.view(-1).long())


def build(config, activation):
    kind = config["kind"]
    if kind == "lstm-forecaster":
        return LstmForecaster(config)
    if kind == "lstm-autoencoder":
        return LstmAutoencoder(config)
    if kind == "dense-autoencoder":
        return DenseAutoencoder(config, activation)
    if kind == "deeplog":
        return DeepLog(config)
    raise ValueError(f"unknown model kind {kind!r}")


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: torch_runner.py REQUEST.json")
    with open(sys.argv[1], encoding="utf8") as f:
        request = json.load(f)
    if request.get("threads") is not None:
        torch.set_num_threads(int(request["threads"]))
    config = request["model"]
    count, input_length, target_length = request["count"], request["inputLength"], request["targetLength"]
    batch_size, steps, warmup = request["batchSize"], request["steps"], request["warmupSteps"]
    if not 1 <= batch_size <= count:
        raise ValueError(f"batch size {batch_size} must be in [1, {count}] (the example count)")
    inputs = read_float32(request["inputsPath"], count * input_length).view(count, input_length)
    targets = read_float32(request["targetsPath"], count * target_length).view(count, target_length)

    torch.manual_seed(config["seed"])
    model = build(config, request.get("denseActivation", "tanh"))
    optimizer = torch.optim.Adam(model.parameters(), lr=request["learningRate"])
    order_generator = torch.Generator().manual_seed(request["seed"])
    order = torch.randperm(count, generator=order_generator)
    offset = 0

    def step():
        nonlocal order, offset
        if offset + batch_size > count:
            order = torch.randperm(count, generator=order_generator)
            offset = 0
        indices = order[offset : offset + batch_size]
        offset += batch_size
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(inputs.index_select(0, indices), targets.index_select(0, indices))
        loss.backward()
        optimizer.step()
        # .item() waits for the step's result, so the clock stops after the work is done.
        return loss.item()

    for _ in range(warmup):
        step()
    rounds = []
    losses = []
    for _ in range(request.get("rounds", 1)):
        step_ms = []
        losses = []
        start = time.perf_counter()
        for _ in range(steps):
            before = time.perf_counter()
            losses.append(step())
            step_ms.append((time.perf_counter() - before) * 1000)
        rounds.append({"seconds": time.perf_counter() - start, "stepMs": step_ms})

    json.dump(
        {
            "torchVersion": torch.__version__,
            "threads": torch.get_num_threads(),
            "kind": config["kind"],
            "parameterCount": sum(p.numel() for p in model.parameters()),
            "batchSize": batch_size,
            "warmupSteps": warmup,
            "steps": steps,
            "rounds": rounds,
            # JSON has no NaN: a diverged loss is written as null.
            "losses": [value if math.isfinite(value) else None for value in losses],
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
