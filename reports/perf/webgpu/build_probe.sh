#!/usr/bin/env bash
# Builds the WebGPU probe into .probe/ (git-ignored) for the lent GPU machine, which reaches no
# registry: a bundle of the probe with its npm dependencies, tfjs's WASM binaries beside it, and
# this machine's deno binary, xz-compressed. `deno compile` would be one file, but it downloads
# its runtime from dl.deno.land, which this machine cannot reach.
set -euo pipefail
cd "$(dirname "$0")/../../.."
mkdir -p .probe
deno bundle --platform deno -o .probe/probe.js reports/perf/webgpu/webgpu_probe.ts
# The bundle lives in .probe/: point the exact rows' Worker URLs back at their sources, and give
# tfjs-backend-wasm's Emscripten loader (written for Node) the __dirname it reads its .wasm from.
sed -i \
  -e 's#new URL("./_pair_tiles_worker.ts", import.meta.url)#new URL("../src/mapa/exact/_pair_tiles_worker.ts", import.meta.url)#' \
  -e 's#new URL("./_row_scan_worker.ts", import.meta.url)#new URL("../src/mapa/exact/_row_scan_worker.ts", import.meta.url)#' \
  -e 's#new URL("../../datasets/surrogates/", import.meta.url)#new URL("../datasets/surrogates/", import.meta.url)#' \
  .probe/probe.js
sed -i '1i var __dirname = new URL(".", import.meta.url).pathname.replace(/\\/$/, "");' .probe/probe.js
grep -q '"../src/mapa/exact/_row_scan_worker.ts"' .probe/probe.js
cp node_modules/.deno/@tensorflow+tfjs-backend-wasm@4.22.0/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm .probe/
xz -T2 -6 -c "$(readlink -f "$(command -v deno)")" > .probe/deno.xz
ls -la .probe
