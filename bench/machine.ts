// What the numbers were measured on: CPU, cores, memory, runtimes, and how busy the machine was.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { findPython, moduleVersion } from './python.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  tfjs: string;
  python?: string;
  torch?: string;
  pandas?: string;
  /** 1-minute load average when the suite started and when it ended */
  loadAtStart: number;
  loadAtEnd?: number;
  date: string;
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release);
    if (pretty) return `${pretty[1]}, kernel ${os.release()}`;
  } catch {
    // not Linux, or no os-release: the platform name below is enough
  }
  return `${os.platform()} ${os.release()}`;
}

function packageVersion(name: string): string {
  const manifest = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export function describeMachine(): Machine {
  const torchPython = findPython('torch');
  const pandasPython = findPython('pandas');
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: os.totalmem() / 1024 ** 3,
    os: osName(),
    node: process.version,
    tfjs: packageVersion('@tensorflow/tfjs-core'),
    python: torchPython ?? pandasPython,
    torch: torchPython ? moduleVersion(torchPython, 'torch') : undefined,
    pandas: pandasPython ? moduleVersion(pandasPython, 'pandas') : undefined,
    loadAtStart: os.loadavg()[0],
    date: new Date().toISOString(),
  };
}
