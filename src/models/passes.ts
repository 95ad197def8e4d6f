/**
 * Network-pass counters (methods.md section 6). One pass is one input row
 * through one network; encoder and decoder passes are kept apart so either
 * cost model can be read off afterwards.
 *
 * @module
 */

/** Which network a pass went through. */
export type NetworkRole = "encoder" | "decoder";

/** Passes counted so far, split by network. */
export interface Passes {
  /** Rows that went through the encoder. */
  encoder: number;
  /** Rows that went through the decoder. */
  decoder: number;
}

/** A mutable pass counter that networks add to where each pass happens. */
export class PassCounter implements Passes {
  /** Rows that went through the encoder. */
  encoder = 0;
  /** Rows that went through the decoder. */
  decoder = 0;

  /** Adds `rows` passes through the network `role`. */
  add(role: NetworkRole, rows: number): void {
    this[role] += rows;
  }

  /** A copy of the counts now. */
  snapshot(): Passes {
    return { encoder: this.encoder, decoder: this.decoder };
  }

  /** Passes counted since `before` (a snapshot). */
  since(before: Passes): Passes {
    return { encoder: this.encoder - before.encoder, decoder: this.decoder - before.decoder };
  }
}

/** How passes are turned into cost (methods.md section 6). */
export type CostModel = "decoder" | "encoder_decoder";

/** The cost of `passes` under `model`: decoder passes only, or encoder plus decoder. */
export function passCost(passes: Passes, model: CostModel): number {
  return model === "decoder" ? passes.decoder : passes.encoder + passes.decoder;
}
