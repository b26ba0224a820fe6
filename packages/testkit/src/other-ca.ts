import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** A CA certificate that signed nothing the stack serves: "a wrong CA bundle". */
export async function otherCa(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wikistream-other-ca-"));
  try {
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=some other CA",
      "-keyout",
      join(dir, "ca.key"),
      "-out",
      join(dir, "ca.pem"),
    ]);
    return await readFile(join(dir, "ca.pem"), "utf8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
