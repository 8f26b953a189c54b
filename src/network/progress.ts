import type { ProbeEvent, ProbeResult } from './probe.js';
import type { ProbeTarget } from './targets.js';

/** Pure: how one result reads in a line ("ok 38 ms, 2.3 MB/s" / "timed out"). */
export function resultText(r: ProbeResult): string {
  switch (r.status) {
    case 'ok': {
      const speed = r.download ? `, ${formatRate(r.download.bytesPerSecond)}` : '';
      return `ok ${r.ms} ms${r.latencyMs !== null ? ` (first answer ${r.latencyMs} ms${speed})` : speed ? ` (${speed.slice(2)})` : ''}`;
    }
    case 'timeout':
      return `timed out: ${r.error ?? ''}`.replace(/: $/, '');
    case 'redirects-to-origin':
      return `redirects to the upstream: ${r.error ?? ''}`;
    default:
      return `${r.status}: ${r.error ?? ''}`;
  }
}

export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1024 * 1024) return `${(bytesPerSecond / (1024 * 1024)).toFixed(1)} MB/s`;
  if (bytesPerSecond >= 1024) return `${Math.round(bytesPerSecond / 1024)} KB/s`;
  return `${bytesPerSecond} B/s`;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A live multi-line display on a terminal: one line per candidate, a spinner while it is
 * probed, its result when done. Cleared at the end (the report follows on stdout). Falls
 * back to one line when the terminal is shorter than the list.
 */
export function liveProgress(
  targets: readonly ProbeTarget[],
  stream: NodeJS.WriteStream,
  paint: { green: (s: string) => string; red: (s: string) => string; dim: (s: string) => string },
) {
  const state: ({ kind: 'waiting' } | { kind: 'running'; since: number } | { kind: 'done'; result: ProbeResult })[] = targets.map(() => ({ kind: 'waiting' }));
  const width = Math.max(20, (stream.columns ?? 100) - 1);
  const multi = (stream.rows ?? 24) > targets.length + 1;
  const label = (t: ProbeTarget) => `${t.kind.padEnd(12)}${t.name.padEnd(12)}`;
  let frame = 0;
  let drawn = 0;
  const line = (i: number): string => {
    const s = state[i]!;
    const t = targets[i]!;
    const text =
      s.kind === 'waiting'
        ? paint.dim(`  ${label(t)}waiting`)
        : s.kind === 'running'
          ? `${FRAMES[frame % FRAMES.length]} ${label(t)}${paint.dim(t.base)}`
          : `${s.result.ok ? paint.green('✓') : paint.red('✗')} ${label(t)}${resultText(s.result)}`;
    return text.length > width + 20 ? `${text.slice(0, width)}…` : text;
  };
  const draw = () => {
    frame++;
    if (multi) {
      let out = drawn > 0 ? `\x1b[${drawn}A` : '';
      for (let i = 0; i < targets.length; i++) out += `\r${line(i)}\x1b[K\n`;
      drawn = targets.length;
      stream.write(out);
    } else {
      const done = state.filter((s) => s.kind === 'done').length;
      const running = state.findIndex((s) => s.kind === 'running');
      stream.write(
        `\r${FRAMES[frame % FRAMES.length]} probing mirrors: ${done}/${targets.length} done${running >= 0 ? ` · ${targets[running]!.kind} ${targets[running]!.name}` : ''}\x1b[K`,
      );
    }
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    onEvent(e: ProbeEvent) {
      state[e.index] = e.type === 'start' ? { kind: 'running', since: Date.now() } : { kind: 'done', result: e.result };
      draw();
    },
    stop() {
      clearInterval(timer);
      if (multi && drawn > 0) stream.write(`\x1b[${drawn}A\x1b[J`);
      else stream.write('\r\x1b[K');
    },
  };
}
