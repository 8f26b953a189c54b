import { describe, expect, it } from 'vitest';
import { checkMarker, holdsOnLinux } from './marker.js';

describe('environment markers', () => {
  it('are written back in one spelling, and an impossible platform is noted', () => {
    expect(checkMarker("sys_platform=='linux'  and python_version>'3.8'")).toEqual({
      ok: true,
      marker: 'sys_platform == "linux" and python_version > "3.8"',
      notes: [],
    });
    expect(checkMarker("sys_platform == 'macos'").notes).toEqual(['sys_platform is never "macos" (it is "linux", "win32" or "darwin")']);
    expect(checkMarker('python_version >').ok).toBe(false);
  });

  it('hold on Linux or not, from their platform variables alone (three-valued)', () => {
    expect(holdsOnLinux("sys_platform == 'darwin'")).toBe(false);
    expect(holdsOnLinux("sys_platform != 'darwin'")).toBe(true);
    expect(holdsOnLinux("platform_system == 'Darwin' or platform_system == 'Windows'")).toBe(false);
    expect(holdsOnLinux("os_name == 'nt'")).toBe(false);
    expect(holdsOnLinux("'linux' in sys_platform")).toBe(true);
    expect(holdsOnLinux("sys_platform not in 'win32 darwin'")).toBe(true);
    // Depends on the Python: unknown, unless the platform decides it anyway.
    expect(holdsOnLinux("python_version < '3.10'")).toBe(null);
    expect(holdsOnLinux("python_version < '3.10' and sys_platform == 'win32'")).toBe(false);
    expect(holdsOnLinux("(python_version < '3.10' or sys_platform == 'linux') and extra == 'gpu'")).toBe(null);
    expect(holdsOnLinux("python_version < '3.10' or sys_platform == 'linux'")).toBe(true);
    expect(holdsOnLinux('not a marker')).toBe(null);
  });
});
