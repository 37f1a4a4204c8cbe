/**
 * One random 32-byte signing key per project, created on first use and kept in
 * `<root>/<project>/.secret` (mode 0600) so signed URLs survive restarts. Deleting the
 * project deletes it: URLs handed out before can never be honoured again.
 * (A cluster will keep it in the shared store instead; one node's disk is not shared.)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class FileSecrets {
  private readonly known = new Map<string, Promise<Buffer | undefined>>();
  /**
   * Bumped when a project's key is deleted. A load that read the file before the delete may
   * resolve after it: it caches its key only if no delete started or ended meanwhile, or the
   * deleted key would verify old URLs (even for a new project of that name) until a restart.
   */
  private readonly generations = new Map<string, number>();

  constructor(private readonly root: string) {}

  /** The project's key; `create: false` gives `undefined` when none was made yet. */
  async get(project: string, create: boolean): Promise<Buffer | undefined> {
    const cached = await this.known.get(project);
    if (cached || !create) return cached ?? this.load(project);
    const made = this.create(project);
    this.known.set(project, made);
    made.catch(() => this.known.delete(project));
    return made;
  }

  async delete(project: string): Promise<void> {
    // Before and after: a load started while the file is being removed may still read it.
    this.forget(project);
    await rm(this.file(project), { force: true });
    this.forget(project);
  }

  private forget(project: string): void {
    this.generations.set(project, this.generation(project) + 1);
    this.known.delete(project);
  }

  private generation(project: string): number {
    return this.generations.get(project) ?? 0;
  }

  private load(project: string): Promise<Buffer | undefined> {
    const generation = this.generation(project);
    const loaded = readFile(this.file(project), 'utf8').then(
      (text) => Buffer.from(text.trim(), 'hex'),
      () => undefined,
    );
    // Only a key that exists is remembered: a missing one may be created later.
    void loaded.then((key) => key && this.generation(project) === generation && this.known.set(project, loaded));
    return loaded;
  }

  private async create(project: string): Promise<Buffer> {
    const existing = await this.load(project);
    if (existing) return existing;
    await mkdir(join(this.root, project), { recursive: true });
    const key = randomBytes(32);
    try {
      await writeFile(this.file(project), key.toString('hex'), { flag: 'wx', mode: 0o600 });
      return key;
    } catch (error) {
      // Another server process made one first: use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const other = await this.load(project);
      if (!other) throw error;
      return other;
    }
  }

  private file(project: string): string {
    return join(this.root, project, '.secret');
  }
}
