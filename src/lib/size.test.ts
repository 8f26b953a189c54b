import { describe, expect, it } from 'vitest';
import { MAX_SIZE_BYTES, parseSize, sizeBytes, validShm } from './size.js';

describe('one size reader for init and export', () => {
  it('reads docker, Slurm and Kubernetes sizes, all binary', () => {
    expect(sizeBytes('16g')).toBe(16 * 1024 ** 3);
    expect(sizeBytes('16G')).toBe(16 * 1024 ** 3);
    expect(sizeBytes('64Gi')).toBe(64 * 1024 ** 3);
    expect(sizeBytes('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(sizeBytes('512 m')).toBe(512 * 1024 ** 2);
    expect(sizeBytes('2t')).toBe(2 * 1024 ** 4);
  });

  it.each(['abc', '-5g', '0', '0g', '', '16x', '1e3g', '99999999999999999999g', '9000000t'])('%j is no size', (text) => {
    expect(sizeBytes(text)).toBeNull();
    expect(validShm(text)).toBe(false);
    expect(() => parseSize(text, 'shm size')).toThrow(`shm size ${JSON.stringify(text)}: expected a size such as 16g, 512m or 64Gi`);
  });

  it('shm (docker): a number and b, k, m or g, up to the limit', () => {
    expect(validShm('64g')).toBe(true);
    expect(validShm('1024')).toBe(true);
    expect(validShm('8G')).toBe(true);
    expect(validShm('16Gi')).toBe(false);
    expect(validShm('16 g')).toBe(false);
    expect(sizeBytes(`${Math.floor(MAX_SIZE_BYTES / 1024 ** 3)}g`, 'docker')).not.toBeNull();
    expect(sizeBytes(`${Math.floor(MAX_SIZE_BYTES / 1024 ** 3) + 1}g`, 'docker')).toBeNull();
  });
});
