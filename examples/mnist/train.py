"""A small MNIST classifier: the example project for `danlu init examples/mnist`.

Runs on a GPU when one is visible, else on the CPU. With --synthetic it needs no download.
"""

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def synthetic(n: int) -> TensorDataset:
    images = torch.randn(n, 1, 28, 28)
    labels = torch.randint(0, 10, (n,))
    return TensorDataset(images, labels)


def mnist(train: bool):
    from torchvision import datasets, transforms

    return datasets.MNIST("data", train=train, download=True, transform=transforms.ToTensor())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--synthetic", action="store_true", help="random data instead of downloading MNIST")
    args = parser.parse_args()

    device = "cuda" if torch.cuda.is_available() else "cpu"
    print(f"torch {torch.__version__} (CUDA {torch.version.cuda}), device {device}")
    data = synthetic(2048) if args.synthetic else mnist(train=True)
    loader = DataLoader(data, batch_size=128, shuffle=True, num_workers=2)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            loss = nn.functional.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
