/**
 * A spinner on stderr for work that may take more than a second; silent when stderr is not a
 * terminal or output is JSON. `stop` prints the one-line summary.
 */
export function spinner(label: string, enabled = Boolean(process.stderr.isTTY)) {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  let text = label;
  const started = Date.now();
  const timer = enabled
    ? setInterval(() => {
        process.stderr.write(`\r${frames[i++ % frames.length]} ${text}\x1b[K`);
      }, 80)
    : null;
  timer?.unref();
  return {
    update(next: string) {
      text = next;
    },
    stop(summary?: string) {
      if (timer) {
        clearInterval(timer);
        process.stderr.write('\r\x1b[K');
      }
      if (summary) process.stderr.write(`${summary} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    },
  };
}
