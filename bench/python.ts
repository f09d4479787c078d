// The Python the references run under: Debian's python3-torch and python3-pandas install into
// /usr/bin/python3, which is not the python3 first on PATH when pyenv is in use.
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

/** The first Python that imports `module`, or undefined. */
export function findPython(module: string): string | undefined {
  return CANDIDATES.find((python) => spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 60_000 }).status === 0);
}

/** `module.__version__` under that Python. */
export function moduleVersion(python: string, module: string): string | undefined {
  const run = spawnSync(python, ['-c', `import ${module}; print(${module}.__version__)`], { encoding: 'utf8', timeout: 60_000 });
  return run.status === 0 ? run.stdout.trim() : undefined;
}
