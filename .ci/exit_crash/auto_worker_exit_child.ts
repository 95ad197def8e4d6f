/**
 * Worker side of auto_worker_exit.ts: `initBackend("auto")`, then posts the backend.
 *
 * @module
 */

import { initBackend } from "../../src/backend.ts";

const info = await initBackend("auto");
(self as unknown as Worker).postMessage(info.backend);
