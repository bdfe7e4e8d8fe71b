/*
 * Real CGI programs, written to a scratch directory when the tests start: POSIX sh, Python
 * (/usr/bin/python3) and Perl scripts, executable, with their own #! lines.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SCRIPTS: Record<string, string> = {
  // Every meta-variable and the working directory, one per line.
  'env.sh': `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'X-Script: sh\\r\\n\\r\\n'
echo "CWD=$(pwd)"
env
`,
  // Echoes the body it reads (exactly CONTENT_LENGTH bytes) with its type.
  'echo.py': `#!/usr/bin/python3
import os, sys
n = int(os.environ.get('CONTENT_LENGTH') or 0)
data = sys.stdin.buffer.read(n)
sys.stdout.write('Status: 201 Created Here\\n')
sys.stdout.write('Content-Type: ' + os.environ.get('CONTENT_TYPE', 'application/octet-stream') + '\\n')
sys.stdout.write('X-Method: ' + os.environ['REQUEST_METHOD'] + '\\n')
sys.stdout.write('X-Length: ' + str(len(data)) + '\\n\\n')
sys.stdout.flush()
sys.stdout.buffer.write(data)
`,
  // A form handler in Perl: reads the urlencoded body and greets.
  'form.pl': `#!/usr/bin/perl
use strict; use warnings;
my $body = '';
read(STDIN, $body, $ENV{CONTENT_LENGTH} || 0);
my %f = map { my ($k, $v) = split /=/, $_, 2; $v =~ tr/+/ /; $v =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; ($k, $v) } split /&/, $body;
print "Content-Type: text/plain; charset=utf-8\\n";
print "Set-Cookie: a=1\\nSet-Cookie: b=2\\n\\n";
print "Hello $f{name} from perl ($ENV{REQUEST_METHOD} $ENV{QUERY_STRING})\\n";
`,
  // Streams five lines slowly, then leaves a marker.
  'slow.sh': `#!/bin/sh
printf 'Content-Type: text/plain\\n\\n'
for i in 1 2 3 4 5; do echo "line $i"; sleep 0.3; done
touch "$MARKER"
`,
  // A complaint on stderr, then output that is not CGI (it is killed once that is seen).
  'bad.sh': `#!/bin/sh
echo 'secret stderr detail' >&2
echo 'hey you!'
exit 3
`,
  // Sleeps past any timeout, with a background child, recording both pids.
  'sleepy.sh': `#!/bin/sh
echo $$ > "$PIDS.leader"
sleep 30 &
echo $! > "$PIDS.child"
wait
printf 'Content-Type: text/plain\\n\\ntoo late\\n'
`,
  // Ignores SIGTERM (and so do its children, which inherit the ignored disposition).
  'stubborn.sh': `#!/bin/sh
trap '' TERM
echo $$ > "$PIDS.leader"
while :; do sleep 0.1; done
`,
  // Endless output, one line every 20 ms, recording its pid.
  'endless.sh': `#!/bin/sh
echo $$ > "$PIDS.leader"
printf 'Content-Type: text/plain\\n\\n'
while :; do echo tick; sleep 0.02; done
`,
  // A local redirect (RFC 3875 6.2.2) and a client redirect.
  'redirect.sh': `#!/bin/sh
if [ "$PATH_INFO" = "/away" ]; then
  printf 'Location: https://example.org/elsewhere\\n\\n'
elif [ "$PATH_INFO" = "/loop" ]; then
  printf 'Location: /loop\\n\\n'
else
  printf 'Location: /target?from=cgi\\n\\nignored body\\n'
fi
`,
  // Response splitting attempts: chosen by QUERY_STRING.
  'inject.sh': `#!/bin/sh
case "$QUERY_STRING" in
  cr) printf 'Content-Type: text/plain\\nX-A: 1\\rSet-Cookie: evil=1\\n\\nbody\\n' ;;
  fold) printf 'Content-Type: text/plain\\nX-A: 1\\n Set-Cookie: evil=1\\n\\nbody\\n' ;;
  location) printf 'Status: 302 Found\\nLocation: /x y\\n\\n' ;;
  nul) printf 'Content-Type: text/plain\\nX-A: a\\000b\\n\\n' ;;
  length) printf 'Content-Type: text/plain\\nContent-Length: 100\\n\\nshort\\n' ;;
  hop) printf 'Content-Type: text/plain\\nConnection: close\\nTransfer-Encoding: chunked\\n\\nok\\n' ;;
esac
`,
  // 64 MiB in 64 KiB writes, counting what it wrote so far into a file.
  'huge.py': `#!/usr/bin/python3
import os, sys
out = sys.stdout.buffer
out.write(b'Content-Type: application/octet-stream\\n\\n')
block = bytes(range(256)) * 256
progress = os.environ['PROGRESS']
for i in range(1024):
    out.write(block)
    out.flush()
    with open(progress, 'w') as f:
        f.write(str(i + 1))
`,
}

/** A scratch directory holding every script; `path(name)` gives a script's absolute path. */
export function writeScripts(): {
  dir: string
  path: (name: string) => string
  remove: () => void
} {
  const dir = mkdtempSync(join(tmpdir(), 'paste-cgiapp-'))
  for (const [name, text] of Object.entries(SCRIPTS)) {
    const file = join(dir, name)
    writeFileSync(file, text)
    chmodSync(file, 0o755)
  }
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Parses `KEY=value` lines (the `env` output of env.sh). */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return env
}

/** Whether a process is still alive (a zombie, already dead, counts as not running). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0]
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}
