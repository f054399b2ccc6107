#!/usr/bin/env node
// `npx optrail ...`: runs services/cli/main.ts through tsx, in this process, from any working directory.
import { tsImport } from "tsx/esm/api";

await tsImport(new URL("../services/cli/main.ts", import.meta.url).href, import.meta.url);
