import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `contents` to `file` so that a crash at any moment leaves either the old state or the
 * complete new file, never a torn one: write a temp file in the same directory, fsync it, rename it
 * over the target, fsync the directory. Directories created on the way are fsynced into their parents
 * too, so the new file's path itself survives a power loss.
 *
 * Temp files are named `.<name>.<pid>.<random>.tmp`: a crash may leave one behind, but readers only
 * ever look at the final name.
 */
export async function writeFileAtomic(file: string, contents: string): Promise<void> {
  const dir = path.dirname(file);
  const firstCreated = await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    renamed = true;
    await fsyncDir(dir);
    if (firstCreated !== undefined) {
      // Make each newly created directory entry durable, up to the pre-existing ancestor.
      let child = dir;
      const stop = path.dirname(firstCreated);
      while (child !== stop && child !== path.dirname(child)) {
        child = path.dirname(child);
        await fsyncDir(child);
      }
    }
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}
