import { execFile } from "node:child_process";

const stackScript = new URL("../../../../deploy/local/stack.sh", import.meta.url).pathname;

/** Runs `deploy/local/stack.sh <args>` (e.g. `down opensearch`, `up opensearch`) and waits for it. */
export async function stack(...args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile("bash", [stackScript, ...args], { timeout: 240_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`stack.sh ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`))
        : resolve(),
    );
  });
}
