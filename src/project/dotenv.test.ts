import { describe, expect, it } from 'vitest';
import { mergeEnv } from '../apply/merge-env.js';
import { DanluError } from '../lib/errors.js';
import { parseEnv, parseEnvLines, setEnvValues } from './dotenv.js';

const PEM = 'CERT="-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----"';

describe('.env values over several lines (a quoted certificate), as docker compose reads them', () => {
  it('a quoted value runs to its closing quote; the lines after it keep their numbers', () => {
    const lines = parseEnvLines(`A=1\n${PEM}\nB='x\ny' # two lines\nC=3\n`, '.env');
    expect(lines.map((l) => [l.line, l.key])).toEqual([
      [1, 'A'],
      [2, 'CERT'],
      [5, 'B'],
      [7, 'C'],
    ]);
    expect(lines[1]!.raw).toBe(PEM);
    const env = parseEnv(`A=1\n${PEM}\nB='x\ny' # two lines\nC=3\n`, '.env');
    expect(env.CERT).toBe('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----');
    expect(env.B).toBe('x\ny');
    expect(env.C).toBe('3');
  });

  it('an escaped quote does not close a double-quoted value; CRLF files read the same', () => {
    const env = parseEnv('J="{\\"a\\":\r\n 1}"\r\nK=2\r\n', '.env');
    expect(env.J).toBe('{"a":\n 1}');
    expect(env.K).toBe('2');
  });

  it('a quote never closed is an error at the line that opens it', () => {
    let error: unknown;
    try {
      parseEnvLines('A=1\nCERT="-----BEGIN\nabc\n', '.env');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DanluError);
    expect((error as DanluError).location).toEqual({ file: '.env', line: 2, column: 6 });
    expect((error as DanluError).message).toBe('unterminated " quote in the value of CERT: no closing " before the end of the file');
  });

  it("init's merge keeps an unknown key's value verbatim and sets danlu's keys around it", () => {
    const existing = `# mine\n${PEM}\nSHM_SIZE=8g\n`;
    const r = mergeEnv(existing, {
      path: '.env',
      text: '',
      entries: [
        { key: 'SHM_SIZE', value: '16g' },
        { key: 'USER_UID', value: '1000' },
      ],
      keep: [],
    });
    expect(r.action).toBe('updated');
    expect(r.text).toBe(`# mine\n${PEM}\nSHM_SIZE=16g\n\n# Added by danlu\nUSER_UID=1000\n`);
    expect(parseEnv(r.text!, '.env').CERT).toContain('MIIBszCCAVmgAwIBAgIU');
  });

  it('setEnvValues (doctor, up) keeps it too', () => {
    expect(setEnvValues(`${PEM}\nDEV_IMAGE=a\n`, '.env', { DEV_IMAGE: 'b' })).toBe(`${PEM}\nDEV_IMAGE=b\n`);
  });
});
