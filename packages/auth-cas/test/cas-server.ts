/*
 * Starts Debian's python3-django-cas-server (CAS 1, 2, 3) in a minimal Django project on
 * loopback, for the interop tests. Fails with a clear message when it cannot start.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
// Debian's python, which has Django; a pyenv python3 earlier on PATH does not
const PYTHON = '/usr/bin/python3'
const CAS_SERVER = '/usr/lib/python3/dist-packages/cas_server'

export const CAS_USER = 'alice'
export const CAS_PASSWORD = 'wonderland'
export const CAS_ATTRIBUTES = {
  email: 'alice@example.org',
  alias: ['al', 'ally'],
  note: 'a < b & "c"',
}

const SETTINGS = `
SECRET_KEY = 'test-only-not-a-secret'
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1']
INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes',
  'django.contrib.sessions', 'django.contrib.messages', 'django.contrib.staticfiles', 'cas_server']
MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware',
  'django.middleware.common.CommonMiddleware', 'django.middleware.csrf.CsrfViewMiddleware',
  'django.contrib.auth.middleware.AuthenticationMiddleware',
  'django.contrib.messages.middleware.MessageMiddleware', 'django.middleware.locale.LocaleMiddleware']
TEMPLATES = [{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'APP_DIRS': True,
  'OPTIONS': {'context_processors': ['django.template.context_processors.request',
  'django.contrib.auth.context_processors.auth', 'django.contrib.messages.context_processors.messages']}}]
ROOT_URLCONF = 'urls'
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}
USE_TZ = True
STATIC_URL = '/static/'
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
CAS_AUTH_CLASS = 'cas_server.auth.TestAuthUser'
CAS_TEST_USER = ${JSON.stringify(CAS_USER)}
CAS_TEST_PASSWORD = ${JSON.stringify(CAS_PASSWORD)}
CAS_TEST_ATTRIBUTES = ${JSON.stringify(CAS_ATTRIBUTES)}
`

const URLS = `
from django.urls import include, path
urlpatterns = [path('cas/', include('cas_server.urls', namespace='cas_server'))]
`

// Loopback services may log in, be proxied, receive proxy callbacks and single-logout POSTs;
// '*' releases every attribute.
const SERVICES = `
from cas_server.models import ServicePattern, ReplaceAttributName
p = ServicePattern.objects.create(pos=1, name='loopback', pattern=r'^http://127\\.0\\.0\\.1:[0-9]+/.*',
    single_log_out=True, proxy=True, proxy_callback=True)
ReplaceAttributName.objects.create(name='*', service_pattern=p)
`

/** A running CAS server. */
export interface CasServer {
  /** `http://127.0.0.1:PORT/cas` */
  url: string
  /** Its output so far (for failure messages). */
  output(): string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Writes the project, migrates, registers the services and starts `runserver`. */
export async function startCasServer(): Promise<CasServer> {
  if (!existsSync(PYTHON) || !existsSync(CAS_SERVER))
    throw new Error(
      `the CAS interop tests need Debian's python3-django-cas-server (${CAS_SERVER}) run by ${PYTHON}: apt-get install python3-django-cas-server`,
    )
  const dir = await mkdtemp(join(tmpdir(), 'paste-cas-'))
  await writeFile(join(dir, 'settings.py'), SETTINGS)
  await writeFile(join(dir, 'urls.py'), URLS)
  const django = ['-m', 'django', '--settings=settings', `--pythonpath=${dir}`]
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }
  try {
    await run(PYTHON, [...django.slice(0, 2), 'migrate', ...django.slice(2), '-v0'], {
      cwd: dir,
      env,
    })
    await run(PYTHON, [...django.slice(0, 2), 'shell', ...django.slice(2), '-c', SERVICES], {
      cwd: dir,
      env,
    })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(
      `the CAS server could not be set up: ${(error as { stderr?: string }).stderr ?? error}`,
    )
  }
  const port = await freePort()
  let output = ''
  const child: ChildProcess = spawn(
    PYTHON,
    [...django.slice(0, 2), 'runserver', ...django.slice(2), `127.0.0.1:${port}`, '--noreload'],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}/cas`
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`the CAS server exited (${child.exitCode}):\n${output}`)
    }
    try {
      if ((await fetch(`${url}/login`)).status === 200) break
    } catch {}
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the CAS server did not answer on ${url} within 30 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, output: () => output, stop }
}
