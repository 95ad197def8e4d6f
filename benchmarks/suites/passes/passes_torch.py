"""PyTorch CPU peer for the passes suite: seconds per gradient step.

Same models as the tfjs step cases: batch B, D-H-H-out MLP encoder and
decoder (tanh), Gaussian likelihood (sigma2 = 0.01), Adam, one thread, on
N = 1000 standard-normal points. Methods:

- vae: one-sample ELBO, KL in closed form;
- iwae: S samples, log-mean-exp of the importance weights;
- mapa: the MAPA bound L_{K,S} (methods.md section 5) with exact rows
  (kernel bandwidth 2 sigma2) made once before timing, and S fresh i.i.d.
  tail draws per row and step from the renormalised tail; one encoder and
  one decoder pass per distinct index of the batch, as in the tfjs model.

Usage: passes_torch.py METHOD B S D L H STEPS [K] [--serve]. Prints one JSON
line. With --serve it warms up, prints one JSON line (versions), then for
each line n read from stdin times n more steps and prints their seconds as
one JSON line, until stdin closes: the tfjs step case interleaves blocks of
its own steps with these, so load on a shared machine falls on both sides.
"""
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "harness"))
from peer_blas import torch_blas_info  # noqa: E402

serve = "--serve" in sys.argv
argv = [a for a in sys.argv if a != "--serve"]
method = argv[1]
b, s, d, l, h, steps = (int(a) for a in argv[2:8])
k = int(argv[8]) if len(argv) > 8 else 0
n = 1000
sigma2 = 0.01
torch.manual_seed(0)
torch.set_num_threads(1)


def mlp(i, o):
    return torch.nn.Sequential(torch.nn.Linear(i, h), torch.nn.Tanh(), torch.nn.Linear(h, h),
                               torch.nn.Tanh(), torch.nn.Linear(h, o))


x_all = torch.randn(n, d)
enc = mlp(d, l if method == "mapa" else 2 * l)
dec = mlp(l, d)
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)


def gauss_loglik(x, f):
    return -0.5 * ((x - f) ** 2).sum(-1) / sigma2 - 0.5 * d * math.log(2 * math.pi * sigma2)


if method == "mapa":
    with torch.no_grad():
        logq = -torch.cdist(x_all, x_all) ** 2 / (2 * 2 * sigma2)
        logq = logq - torch.logsumexp(logq, 1, keepdim=True)
        top_logq, top = logq.topk(k, 1)
        tail_logq = logq.scatter(1, top, -math.inf)
        tail_logq = tail_logq - torch.logsumexp(tail_logq, 1, keepdim=True)


def loss_of(batch):
    x = x_all[batch]
    if method == "vae":
        mu, log_std = enc(x).chunk(2, dim=1)
        eps = torch.randn(b, l)
        z = mu + log_std.exp() * eps
        kl = 0.5 * (mu ** 2 + (2 * log_std).exp() - 2 * log_std - 1).sum(-1)
        return -(gauss_loglik(x, dec(z)) - kl).mean()
    if method == "iwae":
        mu, log_std = enc(x).chunk(2, dim=1)
        eps = torch.randn(s, b, l)
        z = mu + log_std.exp() * eps
        out = dec(z.reshape(s * b, l)).reshape(s, b, d)
        logw = (gauss_loglik(x, out) - 0.5 * (z ** 2).sum(-1) + 0.5 * (eps ** 2).sum(-1) +
                log_std.sum(-1))
        return -(torch.logsumexp(logw, 0) - math.log(s)).mean()
    with torch.no_grad():
        tl = tail_logq[batch]
        draws = torch.multinomial(tl.exp(), s, replacement=True)
        index = torch.cat([top[batch], draws], 1)
        coef = torch.cat([
            torch.full((b, k), -math.log(n)),
            -math.log(n) - math.log(s) - tl.gather(1, draws),
        ], 1)
        union, local = torch.unique(index, return_inverse=True)
    f = dec(enc(x_all[union]))
    pair = -0.5 * torch.cdist(x, f) ** 2 / sigma2 - 0.5 * d * math.log(2 * math.pi * sigma2)
    return -torch.logsumexp(pair.gather(1, local) + coef, 1).mean()


def step():
    batch = torch.randint(0, n, (b,))
    loss = loss_of(batch)
    opt.zero_grad()
    loss.backward()
    opt.step()


def timed(count):
    samples = []
    for _ in range(count):
        t0 = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t0)
    return samples


versions = {
    "torch": torch.__version__,
    # Debian's BLAS_INFO=generic is whichever library libblas.so.3 points at; the netlib
    # reference one made the IWAE and MAPA steps 2.6-3.7x slower than OpenBLAS (reports/perf/peer_blas.md).
    **torch_blas_info(torch.__config__.show()),
}
for _ in range(5):
    step()
if serve:
    print(json.dumps(versions), flush=True)
    for line in sys.stdin:
        print(json.dumps({"stepSecondsSamples": timed(int(line))}), flush=True)
    sys.exit(0)
samples = sorted(timed(steps))
print(json.dumps({
    "stepSeconds": samples[len(samples) // 2],
    "stepSecondsSamples": samples,
    **versions,
}))
