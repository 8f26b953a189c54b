"""Runs a command in a pseudo-terminal, answers a prompt, and reports what a user would see.

usage: pty-run.py WAIT_FOR KEYS [--cols N] -- COMMAND...
Waits (at most 20 s) until the output contains WAIT_FOR, sends KEYS (Python escapes: "\\x03"
is Ctrl-C), then reads to the end. The terminal is 120 columns wide unless --cols says.
Prints JSON {"code", "output", "raw"} on stdout: output without the escape sequences, raw with them.
"""
import fcntl
import json
import os
import pty
import re
import struct
import termios
import select
import sys
import time

wait_for, keys = sys.argv[1], sys.argv[2].encode().decode('unicode_escape').encode()
cmd = sys.argv[sys.argv.index('--') + 1:]
flags = sys.argv[3:sys.argv.index('--')]
cols = int(flags[flags.index('--cols') + 1]) if '--cols' in flags else 120
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm'
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, cols, 0, 0))
ANSI = re.compile(rb'\x1b\[[0-9;?]*[A-Za-z]')
out = b''
sent = False
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not sent and wait_for.encode() in ANSI.sub(b'', out):
        time.sleep(0.3)
        os.write(fd, keys)
        sent = True
if time.time() >= deadline:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({'code': code, 'sent': sent, 'output': ANSI.sub(b'', out).decode('utf8', 'replace'), 'raw': out.decode('utf8', 'replace')}))
