/**
 * Progress of the sources on stderr: one line per source, redrawn in place. Silent when stderr
 * is not a terminal or the output is JSON.
 */
export interface ProgressSink {
  start(sources: readonly string[]): void;
  update(source: string, text: string): void;
  finish(source: string, ok: boolean, text: string): void;
  stop(): void;
}

export const silentProgress: ProgressSink = { start() {}, update() {}, finish() {}, stop() {} };

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function statusBoard(stream: NodeJS.WriteStream = process.stderr, enabled = Boolean(stream.isTTY)): ProgressSink {
  if (!enabled) return silentProgress;
  const order: string[] = [];
  const state = new Map<string, { text: string; done: boolean | null }>();
  let frame = 0;
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;
  const width = () => Math.max(20, (stream.columns ?? 100) - 1);
  const draw = () => {
    const pad = Math.max(...order.map((s) => s.length));
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const source of order) {
      const s = state.get(source)!;
      const mark = s.done === null ? FRAMES[frame % FRAMES.length] : s.done ? '✓' : '✗';
      out += `\r\x1b[K${`${mark} ${source.padEnd(pad)}  ${s.text}`.slice(0, width())}\n`;
    }
    drawn = order.length;
    frame++;
    stream.write(out);
  };
  return {
    start(sources) {
      for (const s of sources) {
        order.push(s);
        state.set(s, { text: 'waiting', done: null });
      }
      draw();
      timer = setInterval(draw, 100);
      timer.unref();
    },
    update(source, text) {
      const s = state.get(source);
      if (s && s.done === null) s.text = text;
    },
    finish(source, ok, text) {
      const s = state.get(source);
      if (s) Object.assign(s, { text, done: ok });
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (order.length > 0) draw();
    },
  };
}
