// Plain JS on purpose: a worker thread starts with Node's own loader, under `npm run dev`, the CLI
// and vitest alike. tsx then loads the TypeScript entry for this thread only.
import { tsImport } from "tsx/esm/api";

await tsImport("./observer-worker.ts", import.meta.url);
