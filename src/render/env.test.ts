import { describe, expect, it } from 'vitest';
import { parseEnv, parseEnvLines } from '../project/dotenv.js';
import { envText, envValue } from './env.js';

describe('what .env gets is one line per comment and per value', () => {
  it('a comment cannot be broken into new lines, whatever its text holds (a GPU name)', () => {
    const gpu = 'H100\nBASE_IMAGE=attacker/evil:latest\r\nUSER_UID=0\u2028COMPOSE_FILE=evil.yml\u001b[2J\u0085#';
    const text = envText([
      { key: 'SHM_SIZE', value: '64g', comment: `Runtime: /dev/shm; GPUs: ${gpu}` },
      { key: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
    ]);
    expect(parseEnv(text, '.env')).toEqual({ SHM_SIZE: '64g', NVIDIA_VISIBLE_DEVICES: 'all' });
    expect(parseEnvLines(text, '.env').filter((l) => l.key === null && l.raw !== '')).toHaveLength(1);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it.each(['a\nb', 'a\rb', 'Asia/Sh\u001b[2J', 'x\u0085y', 'x\u2028y'])('refuses the value %j (exit 2), never writes it', (value) => {
    expect(() => envValue(value, 'TZ')).toThrow(/^TZ ".*" cannot be written to \.env/);
  });

  it('still quotes a plain value with a space or a tab', () => {
    expect(envValue('/home/a b', 'HOST_HOME')).toBe("'/home/a b'");
    expect(envValue('a\tb', 'X')).toBe("'a\tb'");
  });
});
