/** Memory and CPU of processes and of the whole machine, read from /proc (Linux). */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Resident memory of a process in MB: now, and the peak (VmHWM) since it started. */
export function processMemory(pid: number): { rssMb: number; peakRssMb: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined; // the process is gone: nothing to measure
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // the process is gone
  }
  // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  return ticksPerSecond;
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (/proc/stat, all cores). */
export function machineCpu(): { busy: number; total: number } {
  let line: string;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  } catch {
    return { busy: Number.NaN, total: Number.NaN }; // not Linux: reported as n/a
  }
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Share of all cores that was busy since `start` (everything on the machine, not only our processes). */
export function machineBusySince(start: { busy: number; total: number }): number {
  const now = machineCpu();
  return (now.busy - start.busy) / Math.max(1, now.total - start.total);
}
