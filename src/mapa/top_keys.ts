/**
 * The bounded min-heap behind Gumbel-top-k draws: it keeps the `cap`
 * largest keys seen, with their indices, in O(log cap) per key. Shared by
 * the tail draws (src/mapa/tail.ts) and the passes suite's tail order.
 *
 * @module
 */

/**
 * Offers `key` (for `index`) to the heap of `size` entries in `keys` and
 * `who`, whose capacity is `keys.length`: pushed while there is room, else
 * it replaces the smallest key when larger. Returns the new size.
 */
export function offerTopKey(
  heap: { keys: Float64Array; who: Int32Array },
  size: number,
  entry: { key: number; index: number },
): number {
  const { keys, who } = heap, cap = keys.length, { key, index } = entry;
  if (size < cap) {
    let c = size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (keys[p] <= key) break;
      keys[c] = keys[p];
      who[c] = who[p];
      c = p;
    }
    keys[c] = key;
    who[c] = index;
  } else if (key > keys[0]) {
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= cap) break;
      const r = l + 1;
      const m = r < cap && keys[r] < keys[l] ? r : l;
      if (keys[m] >= key) break;
      keys[c] = keys[m];
      who[c] = who[m];
      c = m;
    }
    keys[c] = key;
    who[c] = index;
  }
  return size;
}
