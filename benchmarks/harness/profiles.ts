/**
 * The run profiles a suite sizes its cases by, with what each is for.
 *
 * @module
 */

import type { Profile } from "./suite.ts";

/** Every profile with a one-line description, smallest first. */
export const PROFILES: { name: Profile; description: string }[] = [
  { name: "quick", description: "minutes on 2 cores; what CI runs (default)" },
  {
    name: "standard",
    description:
      "larger grids for a local comparison; about 1.5 h on 2 cores (deno task reference)",
  },
  { name: "full", description: "the paper's scale; hours" },
];

/** True when `name` is a profile. */
export function isProfile(name: string): name is Profile {
  return PROFILES.some((p) => p.name === name);
}
