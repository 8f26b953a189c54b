/** A file-system error in words a user can act on. */
export function fsErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EFBIG') return 'file too large (a file size limit, ulimit -f)';
  if (code === 'EIO') return 'input/output error';
  if (code === 'EBADF') return 'not open for writing';
  return (err as Error).message;
}
