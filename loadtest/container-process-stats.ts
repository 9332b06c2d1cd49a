import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';

/** USER_HZ, 100 on Linux (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

function statusMb(pid: number | string, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024;
}

/**
 * VmRSS and VmHWM of the container's node process and the VmRSS of all its processes, in MB, from /proc
 * on this host; off-host, the container's memory use from the stats API.
 */
export async function memory(
  container: Docker.Container,
  pid: number,
): Promise<{ rss: number; peak: number; all: number }> {
  try {
    const top = (await container.top({ ps_args: '-o pid' })) as { Processes: string[][] };
    const all = top.Processes.reduce((sum, [p]) => sum + statusMb(p ?? '', 'VmRSS'), 0);
    return { rss: statusMb(pid, 'VmRSS'), peak: statusMb(pid, 'VmHWM'), all };
  } catch {
    const stats = (await container.stats({ stream: false })) as { memory_stats: { usage: number } };
    const usage = stats.memory_stats.usage / 2 ** 20;
    return { rss: usage, peak: Number.NaN, all: usage };
  }
}

/** CPU time (user + system) a host PID has used, in ms (NaN off-host): steadier than wall time. */
export function cpuMs(pid: number): number {
  try {
    // Fields after the parenthesised command name: state is 3rd, utime 14th, stime 15th (man 5 proc).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
