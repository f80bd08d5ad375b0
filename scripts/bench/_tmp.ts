import { join } from "node:path";
import { bundleAppWorker, moduleEvaluationMs } from "./bundle.ts";
const app = await bundleAppWorker(join("/work/wt/12", "wrangler.toml"));
console.log("app", moduleEvaluationMs(app, 7));
