"""PyTorch CPU peer for the passes suite: seconds per IWAE gradient step.

Same model as the tfjs case: batch B, S samples, D-H-H MLP encoder and
decoder (tanh), Gaussian likelihood, Adam. Prints one JSON line.
"""
import json
import math
import sys
import time

import torch

b, s, d, l, h, steps = (int(a) for a in sys.argv[1:7])
torch.manual_seed(0)
torch.set_num_threads(1)


def mlp(i, o):
    return torch.nn.Sequential(torch.nn.Linear(i, h), torch.nn.Tanh(), torch.nn.Linear(h, h),
                               torch.nn.Tanh(), torch.nn.Linear(h, o))


enc, dec = mlp(d, 2 * l), mlp(l, d)
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
x = torch.randn(b, d)
sigma2 = 0.01


def step():
    mu, log_std = enc(x).chunk(2, dim=1)
    eps = torch.randn(s, b, l)
    z = mu + log_std.exp() * eps
    out = dec(z.reshape(s * b, l)).reshape(s, b, d)
    logp = -0.5 * ((x - out) ** 2).sum(-1) / sigma2
    logw = logp - 0.5 * (z ** 2).sum(-1) + 0.5 * (eps ** 2).sum(-1) + log_std.sum(-1)
    loss = -(torch.logsumexp(logw, 0) - math.log(s)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


for _ in range(5):
    step()
t0 = time.perf_counter()
for _ in range(steps):
    step()
print(json.dumps({"stepSeconds": (time.perf_counter() - t0) / steps, "torch": torch.__version__}))
