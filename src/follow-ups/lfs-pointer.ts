// Git LFS keeps large files out of git: the commit holds a small pointer text naming the object's
// sha256 and size. A checkout with `lfs: true` has the real bytes, while git and GitHub's API give the
// pointer, so a base file is matched to the checkout by the pointer's sha256 instead of its blob id.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync } from 'node:fs';

export const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/';
/** The spec caps pointer files at 1024 bytes. */
const MAX_POINTER_BYTES = 1024;

export interface LfsPointer {
  /** sha256 of the real file, hex */
  oid: string;
  size: number;
}

export function parseLfsPointer(bytes: Uint8Array): LfsPointer | undefined {
  if (bytes.length > MAX_POINTER_BYTES) return undefined;
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.startsWith(LFS_POINTER_PREFIX)) return undefined;
  const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(text)?.[1];
  const size = /^size (\d+)$/m.exec(text)?.[1];
  return oid && size ? { oid, size: Number(size) } : undefined;
}

/** Whether the working-tree file holds the object the pointer names. */
export async function holdsLfsObject(file: string, pointer: LfsPointer): Promise<boolean> {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size !== pointer.size) return false;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex') === pointer.oid;
  } catch {
    return false;
  }
}
