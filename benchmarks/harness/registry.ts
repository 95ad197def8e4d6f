/**
 * The registry of benchmark suites, in report order. A new suite adds one
 * import and one entry here; nothing else names it.
 *
 * @module
 */

import type { Suite } from "./suite.ts";
import { scalingSuite } from "../suites/scaling/scaling.ts";
import { passesSuite } from "../suites/passes/passes.ts";
import { budgetSuite } from "../suites/budget/budget.ts";
import { posteriorSuite } from "../suites/posterior/posterior.ts";
import { amortizationSuite } from "../suites/amortization/amortization.ts";

/** Every suite the runner knows, in the order the report shows them. */
export const SUITES: Suite[] = [
  // suites: one entry each, added as they land
  scalingSuite,
  passesSuite,
  budgetSuite,
  posteriorSuite,
  amortizationSuite,
];
